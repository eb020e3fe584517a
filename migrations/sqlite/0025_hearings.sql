-- Reports heard (issue 15, point 2): a head records that a quarter's report of a scope was
-- heard — the day, who took part — and the decisions taken there, each with its owner and
-- due day, followed up like appeals (a reminder the day before, word when the day passes,
-- done with what was done). And the register of each ministry's quarterly proposals to the
-- Cabinet of Ministers, due on the quarter's last day.
-- Kept equivalent to postgres/0025_hearings.sql.

CREATE TABLE report_hearings (
    id           INTEGER PRIMARY KEY,
    scope        TEXT NOT NULL,
    quarter      TEXT NOT NULL,
    held_day     TEXT NOT NULL,
    participants TEXT NOT NULL,
    recorded_by  INTEGER NOT NULL REFERENCES users (id),
    recorded_at  INTEGER NOT NULL,
    UNIQUE (scope, quarter)
);

CREATE TABLE hearing_decisions (
    id              INTEGER PRIMARY KEY,
    hearing_id      INTEGER NOT NULL REFERENCES report_hearings (id),
    text            TEXT NOT NULL,
    owner_id        INTEGER NOT NULL REFERENCES users (id),
    owner_name      TEXT NOT NULL,
    due_day         TEXT NOT NULL,
    due_at          INTEGER NOT NULL,
    done_at         INTEGER,
    done_note       TEXT,
    done_by         INTEGER REFERENCES users (id),
    reminded_at     INTEGER,
    overdue_told_at INTEGER,
    created_at      INTEGER NOT NULL
);
CREATE INDEX hearing_decisions_hearing ON hearing_decisions (hearing_id, id);
CREATE INDEX hearing_decisions_owner ON hearing_decisions (owner_id, id);
-- The reminder job: open decisions by their due moment.
CREATE INDEX hearing_decisions_open ON hearing_decisions (due_at) WHERE done_at IS NULL;

CREATE TABLE cabinet_proposals (
    id           INTEGER PRIMARY KEY,
    body_id      INTEGER NOT NULL REFERENCES bodies (id),
    quarter      TEXT NOT NULL,
    due_day      TEXT NOT NULL,
    due_at       INTEGER NOT NULL,
    text         TEXT,
    submitted_at INTEGER,
    submitted_by INTEGER REFERENCES users (id),
    reminded_at  INTEGER,
    created_at   INTEGER NOT NULL,
    UNIQUE (body_id, quarter)
);
CREATE INDEX cabinet_proposals_open ON cabinet_proposals (due_at) WHERE submitted_at IS NULL;
