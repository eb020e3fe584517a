-- The mahalla seven as people: an administrator or a People's Reception names each member of
-- a mahalla's seven by phone and role; members (and a collective appeal's confirmed
-- co-signers) give or refuse consent to close it themselves, confirmed with an SMS code.
-- Kept equivalent to postgres/0022_mahalla_seven.sql.

CREATE TABLE mahalla_members (
    id           INTEGER PRIMARY KEY,
    mahalla_code TEXT NOT NULL REFERENCES mahallas (code),
    user_id      INTEGER NOT NULL REFERENCES users (id),
    role         TEXT NOT NULL CHECK (role IN ('mahalla_chair', 'hokim_assistant', 'youth_leader', 'womens_activist',
                   'prevention_inspector', 'tax_inspector', 'social_worker')),
    name         TEXT NOT NULL,
    named_by     INTEGER REFERENCES users (id),
    named_at     INTEGER NOT NULL,
    removed_at   INTEGER
);
-- One person in each role of a mahalla at a time; a person's mahallas.
CREATE UNIQUE INDEX mahalla_members_role ON mahalla_members (mahalla_code, role) WHERE removed_at IS NULL;
CREATE INDEX mahalla_members_user ON mahalla_members (user_id) WHERE removed_at IS NULL;

-- Who gave a consent themselves (none: recorded before members were people).
ALTER TABLE appeal_consents ADD COLUMN user_id INTEGER REFERENCES users (id);

-- The code a person is sent to confirm their word on a collective appeal.
CREATE TABLE consent_codes (
    appeal_id INTEGER NOT NULL REFERENCES appeals (id),
    user_id   INTEGER NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    sent_at   INTEGER NOT NULL,
    tries     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (appeal_id, user_id)
);
