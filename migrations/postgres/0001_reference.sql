-- Reference data: the country's administrative units and the utility service types.
-- Kept equivalent to migrations/sqlite/0001_reference.sql.

CREATE TABLE app_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE regions (
    soato        TEXT PRIMARY KEY,
    name_uz      TEXT NOT NULL,
    name_uz_cyrl TEXT NOT NULL,
    name_ru      TEXT NOT NULL
);

CREATE TABLE districts (
    soato        TEXT PRIMARY KEY,
    region_soato TEXT NOT NULL REFERENCES regions (soato),
    kind         TEXT NOT NULL CHECK (kind IN ('district', 'city')),
    name_uz      TEXT NOT NULL,
    name_uz_cyrl TEXT NOT NULL,
    name_ru      TEXT NOT NULL
);
CREATE INDEX districts_region ON districts (region_soato);

CREATE TABLE mahallas (
    code           TEXT PRIMARY KEY,
    district_soato TEXT NOT NULL REFERENCES districts (soato),
    region_soato   TEXT NOT NULL REFERENCES regions (soato),
    name_uz        TEXT NOT NULL,
    name_uz_cyrl   TEXT NOT NULL
);
CREATE INDEX mahallas_district ON mahallas (district_soato);
CREATE INDEX mahallas_region ON mahallas (region_soato);

CREATE TABLE service_types (
    code         TEXT PRIMARY KEY,
    position     SMALLINT NOT NULL UNIQUE,
    meter_unit   TEXT,
    name_uz      TEXT NOT NULL,
    name_uz_cyrl TEXT NOT NULL,
    name_ru      TEXT NOT NULL
);

INSERT INTO service_types (code, position, meter_unit, name_uz, name_uz_cyrl, name_ru) VALUES
    ('electricity', 1, 'kWh',  'Elektr energiyasi', 'Электр энергияси',  'Электроэнергия'),
    ('gas',         2, 'm³',   'Tabiiy gaz',        'Табиий газ',        'Природный газ'),
    ('cold_water',  3, 'm³',   'Sovuq suv',         'Совуқ сув',         'Холодная вода'),
    ('hot_water',   4, 'm³',   'Issiq suv',         'Иссиқ сув',         'Горячая вода'),
    ('heating',     5, 'Gcal', 'Issiqlik taʼminoti', 'Иссиқлик таъминоти', 'Отопление'),
    ('waste',       6, NULL,   'Chiqindilarni olib ketish', 'Чиқиндиларни олиб кетиш', 'Вывоз отходов');
