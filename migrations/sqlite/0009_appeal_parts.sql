-- What appeals need beyond the first filing: attachments, co-signers of collective appeals
-- confirming by SMS code, consent to close them, returns to control, and ratings.
-- Kept equivalent to postgres/0009_appeal_parts.sql.

-- Photos and PDFs attached to an appeal by the resident or to an answer by an officer
-- (event_id is the answer's event). The bytes are in the file store, checked and re-encoded.
CREATE TABLE appeal_files (
    id        INTEGER PRIMARY KEY,
    appeal_id INTEGER NOT NULL REFERENCES appeals (id),
    event_id  INTEGER REFERENCES appeal_events (id),
    file_id   INTEGER NOT NULL REFERENCES stored_files (id),
    name      TEXT NOT NULL,
    at        INTEGER NOT NULL
);
CREATE INDEX appeal_files_appeal ON appeal_files (appeal_id, id);

-- Co-signers of a collective appeal, each confirming with a code sent to their phone (kept
-- only as a keyed hash, like sign-in codes).
CREATE TABLE appeal_cosigners (
    appeal_id    INTEGER NOT NULL REFERENCES appeals (id),
    phone        TEXT NOT NULL,
    code_hash    TEXT NOT NULL,
    tries        INTEGER NOT NULL DEFAULT 0,
    sent_at      INTEGER NOT NULL,
    confirmed_at INTEGER,
    PRIMARY KEY (appeal_id, phone)
);

-- Consent to close a collective appeal: the co-signers' representatives and the mahalla seven,
-- each a named person with their role, consent or refusal, and when; recorded by an officer.
CREATE TABLE appeal_consents (
    id          INTEGER PRIMARY KEY,
    appeal_id   INTEGER NOT NULL REFERENCES appeals (id),
    person      TEXT NOT NULL,
    role        TEXT NOT NULL,
    consent     SMALLINT NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES users (id),
    at          INTEGER NOT NULL
);
CREATE INDEX appeal_consents_appeal ON appeal_consents (appeal_id, id);

-- A resident returns an answer to control once: the unique answer event settles repeats.
CREATE TABLE appeal_returns (
    answer_event_id INTEGER PRIMARY KEY REFERENCES appeal_events (id),
    appeal_id       INTEGER NOT NULL REFERENCES appeals (id),
    reason          TEXT NOT NULL,
    at              INTEGER NOT NULL
);

-- The resident's rating of an answer (one per answer; a second rating replaces the first).
CREATE TABLE appeal_ratings (
    answer_event_id INTEGER PRIMARY KEY REFERENCES appeal_events (id),
    appeal_id       INTEGER NOT NULL REFERENCES appeals (id),
    score           SMALLINT NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment         TEXT NOT NULL DEFAULT '',
    at              INTEGER NOT NULL
);
CREATE INDEX appeal_ratings_appeal ON appeal_ratings (appeal_id);

-- An appeal's last answer (what a return to control or a rating refers to).
CREATE INDEX appeal_events_kind ON appeal_events (appeal_id, kind, id);
