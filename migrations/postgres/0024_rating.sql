-- The six-monthly rating of bodies (issue 15). What it counts is kept as each appeal's step is
-- written, in the same transaction: for a Tashkent month, the body responsible at that moment
-- and the appeal's region, how many of each mark (shared::rating::Mark). A half-year's rating
-- and the regions' public statistics read a few hundred rows, however many appeals there are.
-- Kept equivalent to sqlite/0024_rating.sql.

CREATE TABLE appeal_marks (
    month        TEXT NOT NULL,
    body_id      BIGINT NOT NULL REFERENCES bodies (id),
    region_soato TEXT NOT NULL REFERENCES regions (soato),
    mark         TEXT NOT NULL CHECK (mark IN ('received', 'closed', 'satisfied', 'kept', 'late', 'returned', 'repeat')),
    n            BIGINT NOT NULL,
    PRIMARY KEY (month, body_id, region_soato, mark)
);
CREATE INDEX appeal_marks_body ON appeal_marks (body_id, month);

-- The rating as administrators set it (a missing row is the default in shared::rating).
CREATE TABLE rating_settings (
    setting    TEXT PRIMARY KEY CHECK (setting IN ('green', 'yellow', 'min_closed', 'weight_share',
                 'weight_resolution', 'weight_deadline', 'weight_reexecution', 'weight_repetition')),
    value      BIGINT NOT NULL CHECK (value >= 0),
    updated_by BIGINT REFERENCES users (id),
    updated_at BIGINT NOT NULL
);

-- A half-year once it closed: frozen with the settings it was graded by (JSON), never
-- written again.
CREATE TABLE rating_periods (
    period    TEXT PRIMARY KEY,
    settings  TEXT NOT NULL,
    all_received BIGINT NOT NULL,
    frozen_at BIGINT NOT NULL
);

CREATE TABLE ratings (
    period    TEXT NOT NULL REFERENCES rating_periods (period),
    body_id   BIGINT NOT NULL REFERENCES bodies (id),
    received  BIGINT NOT NULL,
    closed    BIGINT NOT NULL,
    satisfied BIGINT NOT NULL,
    kept      BIGINT NOT NULL,
    late      BIGINT NOT NULL,
    returned  BIGINT NOT NULL,
    repeats   BIGINT NOT NULL,
    score     BIGINT,
    grade     TEXT CHECK (grade IN ('green', 'yellow', 'red')),
    PRIMARY KEY (period, body_id)
);
CREATE INDEX ratings_body ON ratings (body_id, period);

-- The regions' public statistics of a frozen half-year.
CREATE TABLE rating_regions (
    period       TEXT NOT NULL REFERENCES rating_periods (period),
    region_soato TEXT NOT NULL REFERENCES regions (soato),
    received     BIGINT NOT NULL,
    closed       BIGINT NOT NULL,
    satisfied    BIGINT NOT NULL,
    kept         BIGINT NOT NULL,
    late         BIGINT NOT NULL,
    returned     BIGINT NOT NULL,
    repeats      BIGINT NOT NULL,
    PRIMARY KEY (period, region_soato)
);
