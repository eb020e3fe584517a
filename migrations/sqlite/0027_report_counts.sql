-- The quarterly report's figures (issue 15, point 6), kept as each appeal's step is written,
-- in the same transaction (services::reports::counts): for a Tashkent month (year * 12 +
-- month - 1), a place — a body (`b:4`), a district (`d:1726266`), a region (`r:1726`) — and,
-- for a body, an officer (0: the body's own figure), how many of each figure, and the sum of
-- what it adds up (a score). A ministry's or the country's quarter reads a few thousand rows,
-- however many appeals there are.
-- Kept equivalent to postgres/0027_report_counts.sql.

CREATE TABLE report_counts (
    place      TEXT NOT NULL,
    month      INTEGER NOT NULL,
    section    TEXT NOT NULL,
    code       TEXT NOT NULL,
    officer_id INTEGER NOT NULL DEFAULT 0,
    n          INTEGER NOT NULL,
    total      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (place, month, section, code, officer_id)
);

-- When the counts were first built from the appeals already there (one row, written once).
CREATE TABLE report_counts_built (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    built_at INTEGER NOT NULL
);
