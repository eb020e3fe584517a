-- The six-monthly rating of bodies (issue 15). What it counts is kept as each appeal's step is
-- written, in the same transaction: for a Tashkent month, the body responsible at that moment
-- and the appeal's region, how many of each mark (shared::rating::Mark). A half-year's rating
-- and the regions' public statistics read a few hundred rows, however many appeals there are.
-- Kept equivalent to postgres/0024_rating.sql.

CREATE TABLE appeal_marks (
    month        TEXT NOT NULL,
    body_id      INTEGER NOT NULL REFERENCES bodies (id),
    region_soato TEXT NOT NULL REFERENCES regions (soato),
    mark         TEXT NOT NULL CHECK (mark IN ('received', 'closed', 'satisfied', 'kept', 'late', 'returned', 'repeat')),
    n            INTEGER NOT NULL,
    PRIMARY KEY (month, body_id, region_soato, mark)
);
CREATE INDEX appeal_marks_body ON appeal_marks (body_id, month);

-- The rating as administrators set it (a missing row is the default in shared::rating).
CREATE TABLE rating_settings (
    setting    TEXT PRIMARY KEY CHECK (setting IN ('green', 'yellow', 'min_closed', 'weight_share',
                 'weight_resolution', 'weight_deadline', 'weight_reexecution', 'weight_repetition')),
    value      INTEGER NOT NULL CHECK (value >= 0),
    updated_by INTEGER REFERENCES users (id),
    updated_at INTEGER NOT NULL
);

-- A half-year once it closed: frozen with the settings it was graded by (JSON), never
-- written again.
CREATE TABLE rating_periods (
    period    TEXT PRIMARY KEY,
    settings  TEXT NOT NULL,
    all_received INTEGER NOT NULL,
    frozen_at INTEGER NOT NULL
);

CREATE TABLE ratings (
    period    TEXT NOT NULL REFERENCES rating_periods (period),
    body_id   INTEGER NOT NULL REFERENCES bodies (id),
    received  INTEGER NOT NULL,
    closed    INTEGER NOT NULL,
    satisfied INTEGER NOT NULL,
    kept      INTEGER NOT NULL,
    late      INTEGER NOT NULL,
    returned  INTEGER NOT NULL,
    repeats   INTEGER NOT NULL,
    score     INTEGER,
    grade     TEXT CHECK (grade IN ('green', 'yellow', 'red')),
    PRIMARY KEY (period, body_id)
);
CREATE INDEX ratings_body ON ratings (body_id, period);

-- The regions' public statistics of a frozen half-year.
CREATE TABLE rating_regions (
    period       TEXT NOT NULL REFERENCES rating_periods (period),
    region_soato TEXT NOT NULL REFERENCES regions (soato),
    received     INTEGER NOT NULL,
    closed       INTEGER NOT NULL,
    satisfied    INTEGER NOT NULL,
    kept         INTEGER NOT NULL,
    late         INTEGER NOT NULL,
    returned     INTEGER NOT NULL,
    repeats      INTEGER NOT NULL,
    PRIMARY KEY (period, region_soato)
);
