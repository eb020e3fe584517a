-- Open311 GeoReport v2 (issue 17, ADR 0018). Kept equivalent to postgres/0029_open311.sql.

-- A key an administrator issued to a named third party for filing requests. Only the key's
-- SHA-256 is kept (the key itself is shown once), with its first characters to tell keys
-- apart; a revoked key files nothing more. `per_day` limits its filings in any 24 hours.
CREATE TABLE api_keys (
    id         INTEGER PRIMARY KEY,
    party      TEXT NOT NULL,
    key_hash   TEXT NOT NULL UNIQUE,
    key_prefix TEXT NOT NULL,
    per_day    INTEGER NOT NULL,
    issued_by  INTEGER NOT NULL REFERENCES users (id),
    issued_at  INTEGER NOT NULL,
    revoked_at INTEGER
);

-- The key (and so the party) an appeal filed through Open311 came with.
ALTER TABLE appeals ADD COLUMN api_key_id INTEGER REFERENCES api_keys (id);
