-- Reconciliation runs: a provider's statement for a period, kept as received, so that every
-- comparison with our records can be repeated and audited.
-- Kept equivalent to postgres/0005_reconciliation.sql.
CREATE TABLE reconciliation_runs (
    id          INTEGER PRIMARY KEY,
    provider    TEXT NOT NULL,
    period_from INTEGER NOT NULL,
    period_to   INTEGER NOT NULL,
    statement   TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    created_by  INTEGER REFERENCES users (id)
);
