-- Receptions: a leader's personal reception days and field (sayyor) receptions, their slots
-- and residents' bookings; and how each appeal arrived and where it was first sent.
-- Kept equivalent to postgres/0017_receptions.sql.

CREATE TABLE receptions (
    id             INTEGER PRIMARY KEY,
    body_id        INTEGER NOT NULL REFERENCES bodies (id),
    kind           TEXT NOT NULL CHECK (kind IN ('personal', 'field')),
    host           TEXT NOT NULL,
    place          TEXT NOT NULL,
    region_soato   TEXT NOT NULL REFERENCES regions (soato),
    district_soato TEXT NOT NULL REFERENCES districts (soato),
    mahalla_code   TEXT REFERENCES mahallas (code),
    starts_at      INTEGER NOT NULL,
    slot_minutes   INTEGER NOT NULL CHECK (slot_minutes > 0),
    slots          INTEGER NOT NULL CHECK (slots > 0),
    cancelled_at   INTEGER,
    created_by     INTEGER REFERENCES users (id),
    created_at     INTEGER NOT NULL
);
-- The public list: upcoming receptions by time, narrowed by place or body.
CREATE INDEX receptions_when ON receptions (starts_at, id);
CREATE INDEX receptions_body ON receptions (body_id, starts_at);

CREATE TABLE reception_topics (
    reception_id INTEGER NOT NULL REFERENCES receptions (id),
    topic_code   TEXT NOT NULL REFERENCES topics (code),
    PRIMARY KEY (reception_id, topic_code)
);

-- A resident's booking of one slot. A slot holds one live booking, and a person one live
-- booking per reception: both kept by the database, so two requests at once cannot both win.
CREATE TABLE reception_bookings (
    id           INTEGER PRIMARY KEY,
    reception_id INTEGER NOT NULL REFERENCES receptions (id),
    slot         INTEGER NOT NULL,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    question     TEXT NOT NULL,
    booked_at    INTEGER NOT NULL,
    cancelled_at INTEGER,
    -- When the day-before reminder was queued (or found not needed: booked within the day).
    reminded_at  INTEGER
);
CREATE UNIQUE INDEX reception_bookings_slot ON reception_bookings (reception_id, slot) WHERE cancelled_at IS NULL;
CREATE UNIQUE INDEX reception_bookings_person ON reception_bookings (reception_id, user_id) WHERE cancelled_at IS NULL;
CREATE INDEX reception_bookings_user ON reception_bookings (user_id, id);
-- The reminder job: live bookings not yet reminded.
CREATE INDEX reception_bookings_to_remind ON reception_bookings (reception_id) WHERE reminded_at IS NULL AND cancelled_at IS NULL;

-- How an appeal arrived, and the body it was first sent to (the bodies it passed through
-- after are its registered, forwarded and escalated events, each with its body and date).
ALTER TABLE appeals ADD COLUMN channel TEXT NOT NULL DEFAULT 'web'
    CHECK (channel IN ('web', 'telegram', 'personal_reception', 'field_reception', 'virtual_reception', 'other_system'));
ALTER TABLE appeals ADD COLUMN first_body_id INTEGER REFERENCES bodies (id);
UPDATE appeals SET first_body_id = COALESCE(
    (SELECT e.body_id FROM appeal_events e WHERE e.appeal_id = appeals.id AND e.kind = 'registered' ORDER BY e.id LIMIT 1),
    body_id);
