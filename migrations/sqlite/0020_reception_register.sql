-- What happens at a reception: each visitor's issue registered by staff (booked or walk-in),
-- resolved on the spot or turned into an appeal the visitor confirms (an SMS code, or a
-- signature on paper); when the reception was marked held; and the residents who asked to
-- be told of field receptions in their mahalla. Kept equivalent to
-- postgres/0020_reception_register.sql.

CREATE TABLE reception_visits (
    id           INTEGER PRIMARY KEY,
    reception_id INTEGER NOT NULL REFERENCES receptions (id),
    -- The key the register gave the entry on the device: an entry sent twice (a retry after
    -- a dropped connection, a second press) is stored once.
    entry_key    TEXT NOT NULL,
    booking_id   INTEGER REFERENCES reception_bookings (id),
    name         TEXT NOT NULL,
    address      TEXT NOT NULL,
    -- The visitor's phone (+998...), needed when the issue becomes an appeal.
    phone        TEXT,
    topic_code   TEXT REFERENCES topics (code),
    summary      TEXT NOT NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN ('resolved', 'appeal')),
    resolution   TEXT,
    -- An appeal waiting for the visitor: the code sent to their phone and the tries spent.
    code_hash    TEXT,
    code_sent_at INTEGER,
    tries        INTEGER NOT NULL DEFAULT 0,
    -- How the visitor confirmed it ('sms', 'paper'), and the appeal filed then.
    signed       TEXT CHECK (signed IN ('sms', 'paper')),
    appeal_id    INTEGER REFERENCES appeals (id),
    recorded_by  INTEGER NOT NULL REFERENCES users (id),
    recorded_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX reception_visits_key ON reception_visits (reception_id, entry_key);

-- Marked held by its staff (the protocol is then final in its heading, entries still come in
-- from devices that were offline).
ALTER TABLE receptions ADD COLUMN held_at INTEGER;
ALTER TABLE receptions ADD COLUMN held_by INTEGER REFERENCES users (id);

-- A resident's wish to be told by SMS of field receptions announced in their mahalla.
ALTER TABLE users ADD COLUMN field_notices_mahalla TEXT REFERENCES mahallas (code);
CREATE INDEX users_field_notices ON users (field_notices_mahalla) WHERE field_notices_mahalla IS NOT NULL;
