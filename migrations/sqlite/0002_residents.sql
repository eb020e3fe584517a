-- Residents, staff roles, sign-in codes, sessions, the SMS outbox, utility accounts and
-- their append-only ledger. Kept equivalent to postgres/0002_residents.sql.
-- Times are Unix milliseconds (UTC); money is tiyin.

CREATE TABLE users (
    id         INTEGER PRIMARY KEY,
    phone      TEXT NOT NULL UNIQUE,          -- +998XXXXXXXXX
    full_name  TEXT,
    locale     TEXT NOT NULL DEFAULT 'uz',
    created_at INTEGER NOT NULL
);

CREATE TABLE role_grants (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    role       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES users (id)
);
CREATE INDEX role_grants_user ON role_grants (user_id);

CREATE TABLE grant_scopes (
    grant_id INTEGER NOT NULL REFERENCES role_grants (id) ON DELETE CASCADE,
    scope    TEXT NOT NULL,                   -- district:1703202, service:gas, body:3, region:1703
    PRIMARY KEY (grant_id, scope)
);

CREATE TABLE login_codes (
    id          INTEGER PRIMARY KEY,
    phone       TEXT NOT NULL,
    code_hash   TEXT NOT NULL,                -- HMAC-SHA256 with the installation's pepper
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    attempts    SMALLINT NOT NULL DEFAULT 0,
    consumed_at INTEGER
);
CREATE INDEX login_codes_phone ON login_codes (phone, id);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,            -- SHA-256 of the cookie value
    user_id      INTEGER NOT NULL REFERENCES users (id),
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    user_agent   TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Sliding-window rate limits shared by every server instance.
CREATE TABLE rate_events (
    key TEXT NOT NULL,
    at  INTEGER NOT NULL
);
CREATE INDEX rate_events_key ON rate_events (key, at);

CREATE TABLE sms_outbox (
    id              INTEGER PRIMARY KEY,
    phone           TEXT NOT NULL,
    body            TEXT NOT NULL,
    locale          TEXT NOT NULL,
    purpose         TEXT NOT NULL,            -- sign_in, reading, payment, appeal…
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'delivered', 'failed')),
    attempts        SMALLINT NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until     INTEGER,
    gateway_id      TEXT,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
);
CREATE INDEX sms_outbox_due ON sms_outbox (status, next_attempt_at);
CREATE INDEX sms_outbox_phone ON sms_outbox (phone, id);

CREATE TABLE tariffs (
    code             TEXT PRIMARY KEY,
    service_code     TEXT NOT NULL REFERENCES service_types (code),
    name_uz          TEXT NOT NULL,
    name_uz_cyrl     TEXT NOT NULL,
    name_ru          TEXT NOT NULL,
    unit_price_tiyin INTEGER NOT NULL,        -- per meter unit, or per person and month without a meter
    effective_from   INTEGER NOT NULL
);

CREATE TABLE utility_accounts (
    id             INTEGER PRIMARY KEY,
    service_code   TEXT NOT NULL REFERENCES service_types (code),
    region_soato   TEXT NOT NULL REFERENCES regions (soato),
    district_soato TEXT NOT NULL REFERENCES districts (soato),
    number         TEXT NOT NULL,
    holder_name    TEXT NOT NULL,
    address        TEXT NOT NULL,
    mahalla_code   TEXT REFERENCES mahallas (code),
    tariff_code    TEXT NOT NULL REFERENCES tariffs (code),
    meter_decimals SMALLINT NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    UNIQUE (service_code, district_soato, number)
);
CREATE INDEX utility_accounts_district ON utility_accounts (district_soato, service_code);

CREATE TABLE account_links (
    user_id    INTEGER NOT NULL REFERENCES users (id),
    account_id INTEGER NOT NULL REFERENCES utility_accounts (id),
    linked_at  INTEGER NOT NULL,
    PRIMARY KEY (user_id, account_id)
);
CREATE INDEX account_links_account ON account_links (account_id);

-- The account ledger: charges (negative), payments (positive) and corrections. Rows are
-- never changed or removed; the balance is their sum.
CREATE TABLE ledger_entries (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES utility_accounts (id),
    kind         TEXT NOT NULL CHECK (kind IN ('charge', 'payment', 'correction')),
    amount_tiyin INTEGER NOT NULL,
    occurred_at  INTEGER NOT NULL,
    description  TEXT NOT NULL,
    reference    TEXT,
    created_at   INTEGER NOT NULL
);
CREATE INDEX ledger_entries_account ON ledger_entries (account_id, occurred_at, id);
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only'); END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only'); END;

CREATE TABLE meter_readings (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES utility_accounts (id),
    value_milli  INTEGER NOT NULL,            -- the reading in thousandths of the meter unit
    status       TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'corrected', 'rejected')),
    submitted_at INTEGER NOT NULL,
    decided_at   INTEGER
);
CREATE INDEX meter_readings_account ON meter_readings (account_id, submitted_at, id);

-- Tariffs in effect from 2026-01-01 (prices in tiyin per unit; waste: per person and month).
INSERT INTO tariffs (code, service_code, name_uz, name_uz_cyrl, name_ru, unit_price_tiyin, effective_from) VALUES
    ('electricity-household', 'electricity', 'Aholi uchun elektr energiyasi', 'Аҳоли учун электр энергияси', 'Электроэнергия для населения', 80000, 1767225600000),
    ('gas-household',         'gas',         'Aholi uchun tabiiy gaz',        'Аҳоли учун табиий газ',        'Природный газ для населения', 100000, 1767225600000),
    ('cold-water-household',  'cold_water',  'Sovuq suv (hisoblagich boʻyicha)', 'Совуқ сув (ҳисоблагич бўйича)', 'Холодная вода (по счётчику)', 280000, 1767225600000),
    ('hot-water-household',   'hot_water',   'Issiq suv (hisoblagich boʻyicha)', 'Иссиқ сув (ҳисоблагич бўйича)', 'Горячая вода (по счётчику)', 1250000, 1767225600000),
    ('heating-household',     'heating',     'Issiqlik taʼminoti (Gkal)',     'Иссиқлик таъминоти (Гкал)',     'Отопление (Гкал)', 21000000, 1767225600000),
    ('waste-household',       'waste',       'Chiqindi olib ketish (bir kishi uchun)', 'Чиқинди олиб кетиш (бир киши учун)', 'Вывоз отходов (на человека)', 650000, 1767225600000);
