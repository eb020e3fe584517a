-- Meter readings sent by residents with a photo, decided by inspectors, charged by tariff.
-- Kept equivalent to postgres/0006_readings.sql.

-- Files kept in the file store (local directory or S3-compatible), addressed by the SHA-256
-- of their bytes. Photos are stored re-encoded, with a thumbnail.
CREATE TABLE stored_files (
    id           INTEGER PRIMARY KEY,
    sha256       TEXT NOT NULL UNIQUE,
    content_type TEXT NOT NULL,
    bytes        INTEGER NOT NULL,
    width        INTEGER,
    height       INTEGER,
    thumb_sha256 TEXT,
    created_at   INTEGER NOT NULL
);

-- What a reading needs beyond the demo history: who sent it, where, the photo, the value as
-- typed, warnings for the inspector, the retry key of the upload, and the decision.
ALTER TABLE meter_readings ADD COLUMN user_id INTEGER REFERENCES users (id);
ALTER TABLE meter_readings ADD COLUMN district_soato TEXT;
ALTER TABLE meter_readings ADD COLUMN service_code TEXT;
ALTER TABLE meter_readings ADD COLUMN mahalla_code TEXT REFERENCES mahallas (code);
ALTER TABLE meter_readings ADD COLUMN photo_id INTEGER REFERENCES stored_files (id);
ALTER TABLE meter_readings ADD COLUMN submitted_milli INTEGER;
ALTER TABLE meter_readings ADD COLUMN previous_milli INTEGER;
ALTER TABLE meter_readings ADD COLUMN flags TEXT NOT NULL DEFAULT '';
ALTER TABLE meter_readings ADD COLUMN idempotency_key TEXT;
ALTER TABLE meter_readings ADD COLUMN decided_by INTEGER REFERENCES users (id);
ALTER TABLE meter_readings ADD COLUMN reason_code TEXT;
ALTER TABLE meter_readings ADD COLUMN reason_text TEXT;
ALTER TABLE meter_readings ADD COLUMN charge_tiyin INTEGER;
CREATE UNIQUE INDEX meter_readings_retry ON meter_readings (user_id, idempotency_key);
-- The inspector's queue: pending readings, oldest first.
CREATE INDEX meter_readings_queue ON meter_readings (submitted_at, id) WHERE status = 'pending';

-- Every step of a reading, with who and when.
CREATE TABLE reading_events (
    id           INTEGER PRIMARY KEY,
    reading_id   INTEGER NOT NULL REFERENCES meter_readings (id),
    kind         TEXT NOT NULL CHECK (kind IN ('submitted', 'confirmed', 'corrected', 'rejected')),
    actor_id     INTEGER REFERENCES users (id),
    value_milli  INTEGER,
    reason_code  TEXT,
    reason_text  TEXT,
    charge_tiyin INTEGER,
    at           INTEGER NOT NULL
);
CREATE INDEX reading_events_reading ON reading_events (reading_id, id);

-- Tariff prices by effective date, in tiers of monthly consumption: a tier applies to the
-- units up to its bound (whole units; NULL: no bound). A tariff's prices from one date form
-- its price list until a later date's.
CREATE TABLE tariff_prices (
    id               INTEGER PRIMARY KEY,
    tariff_code      TEXT NOT NULL REFERENCES tariffs (code),
    effective_from   INTEGER NOT NULL,
    up_to_units      INTEGER,
    unit_price_tiyin INTEGER NOT NULL CHECK (unit_price_tiyin >= 0),
    UNIQUE (tariff_code, effective_from, up_to_units)
);
INSERT INTO tariff_prices (tariff_code, effective_from, up_to_units, unit_price_tiyin)
SELECT code, effective_from, NULL, unit_price_tiyin FROM tariffs;
-- Household electricity from 2026-10-01 (Tashkent): the first 200 kWh of a month at 600 soʻm,
-- the rest at 1,000 soʻm (demo values shaped like the social-norm tariff).
INSERT INTO tariff_prices (tariff_code, effective_from, up_to_units, unit_price_tiyin) VALUES
    ('electricity-household', 1790794800000, 200, 60000),
    ('electricity-household', 1790794800000, NULL, 100000);
