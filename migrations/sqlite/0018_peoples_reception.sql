-- The People's Reception: a coordinator reads every appeal of their region (by the end of its
-- term), sends answers back for re-execution, and gives bodies written instructions that the
-- bodies acknowledge. Kept equivalent to postgres/0018_peoples_reception.sql.

-- The coordinator's desk: a region's unresolved appeals by the end of their term.
CREATE INDEX appeals_region_due ON appeals (region_soato, due_at, id) WHERE status <> 'resolved';

CREATE TABLE body_instructions (
    id              INTEGER PRIMARY KEY,
    body_id         INTEGER NOT NULL REFERENCES bodies (id),
    region_soato    TEXT NOT NULL REFERENCES regions (soato),
    text            TEXT NOT NULL,
    given_by        INTEGER REFERENCES users (id),
    given_at        INTEGER NOT NULL,
    acknowledged_by INTEGER REFERENCES users (id),
    acknowledged_at INTEGER
);
CREATE INDEX body_instructions_body ON body_instructions (body_id, id);
CREATE INDEX body_instructions_region ON body_instructions (region_soato, id);
