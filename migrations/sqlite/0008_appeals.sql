-- Appeals (murojaat) to state bodies: the bodies' hierarchy, topics, the working-day
-- calendar, the appeals and every event of their timeline.
-- Kept equivalent to postgres/0008_appeals.sql.

-- The working-day calendar: days that differ from the five-day week. `off` is a holiday or a
-- weekday made a rest day; `working` a weekend day made a working day. Edited by administrators.
CREATE TABLE calendar_days (
    day  TEXT PRIMARY KEY,                    -- YYYY-MM-DD, Tashkent
    kind TEXT NOT NULL CHECK (kind IN ('off', 'working')),
    name TEXT NOT NULL
);
-- 2026 and 2027: the seven fixed holidays and the two hayits (dates as announced or expected;
-- administrators correct them when the decree comes), a holiday on a rest day moved to the
-- next working day (Labour Code art. 208).
INSERT INTO calendar_days (day, kind, name) VALUES
    ('2026-01-01', 'off', 'Yangi yil'),
    ('2026-03-08', 'off', 'Xotin-qizlar kuni'),
    ('2026-03-09', 'off', 'Xotin-qizlar kuni (koʻchirilgan)'),
    ('2026-03-20', 'off', 'Ramazon hayiti'),
    ('2026-03-21', 'off', 'Navroʻz'),
    ('2026-03-23', 'off', 'Navroʻz (koʻchirilgan)'),
    ('2026-05-09', 'off', 'Xotira va qadrlash kuni'),
    ('2026-05-11', 'off', 'Xotira va qadrlash kuni (koʻchirilgan)'),
    ('2026-05-27', 'off', 'Qurbon hayiti'),
    ('2026-09-01', 'off', 'Mustaqillik kuni'),
    ('2026-10-01', 'off', 'Oʻqituvchi va murabbiylar kuni'),
    ('2026-12-08', 'off', 'Konstitutsiya kuni'),
    ('2027-01-01', 'off', 'Yangi yil'),
    ('2027-03-08', 'off', 'Xotin-qizlar kuni'),
    ('2027-03-10', 'off', 'Ramazon hayiti'),
    ('2027-03-21', 'off', 'Navroʻz'),
    ('2027-03-22', 'off', 'Navroʻz (koʻchirilgan)'),
    ('2027-05-09', 'off', 'Xotira va qadrlash kuni'),
    ('2027-05-10', 'off', 'Xotira va qadrlash kuni (koʻchirilgan)'),
    ('2027-05-17', 'off', 'Qurbon hayiti'),
    ('2027-09-01', 'off', 'Mustaqillik kuni'),
    ('2027-10-01', 'off', 'Oʻqituvchi va murabbiylar kuni'),
    ('2027-12-08', 'off', 'Konstitutsiya kuni');

-- State bodies: ministries, their regional and district departments, and institutions; each
-- but the top has a parent, which is where an overdue appeal goes.
CREATE TABLE bodies (
    id             INTEGER PRIMARY KEY,
    parent_id      INTEGER REFERENCES bodies (id),
    kind           TEXT NOT NULL CHECK (kind IN ('ministry', 'regional', 'district', 'institution')),
    name_uz        TEXT NOT NULL,
    name_uz_cyrl   TEXT NOT NULL,
    name_ru        TEXT NOT NULL,
    region_soato   TEXT REFERENCES regions (soato),
    district_soato TEXT REFERENCES districts (soato),
    created_at     INTEGER NOT NULL
);
CREATE INDEX bodies_parent ON bodies (parent_id);

CREATE TABLE topics (
    code         TEXT PRIMARY KEY,
    name_uz      TEXT NOT NULL,
    name_uz_cyrl TEXT NOT NULL,
    name_ru      TEXT NOT NULL
);

-- Which bodies handle a topic (the filing form suggests them).
CREATE TABLE body_topics (
    body_id    INTEGER NOT NULL REFERENCES bodies (id),
    topic_code TEXT NOT NULL REFERENCES topics (code),
    PRIMARY KEY (body_id, topic_code)
);

-- Topics; the demo bodies and which topics they handle are demo data (services/src/appeals.rs).
INSERT INTO topics (code, name_uz, name_uz_cyrl, name_ru) VALUES
    ('healthcare', 'Tibbiy yordam', 'Тиббий ёрдам', 'Медицинская помощь'),
    ('medicines', 'Dori-darmon bilan taʼminlash', 'Дори-дармон билан таъминлаш', 'Лекарственное обеспечение'),
    ('electricity', 'Elektr taʼminoti', 'Электр таъминоти', 'Электроснабжение'),
    ('housing', 'Uy-joy va kommunal xizmatlar', 'Уй-жой ва коммунал хизматлар', 'Жильё и коммунальные услуги'),
    ('other', 'Boshqa masalalar', 'Бошқа масалалар', 'Другие вопросы');


-- The appeals. The term is kept as a Tashkent day (due_day, YYYY-MM-DD) and as the instant it
-- ends (due_at), which the escalation job compares with the clock.
CREATE TABLE appeals (
    id             INTEGER PRIMARY KEY,
    number         TEXT NOT NULL UNIQUE,
    user_id        INTEGER NOT NULL REFERENCES users (id),
    body_id        INTEGER NOT NULL REFERENCES bodies (id),
    topic_code     TEXT NOT NULL REFERENCES topics (code),
    kind           TEXT NOT NULL CHECK (kind IN ('application', 'proposal', 'complaint')),
    subject        TEXT NOT NULL,
    body_text      TEXT NOT NULL,
    region_soato   TEXT NOT NULL REFERENCES regions (soato),
    district_soato TEXT NOT NULL REFERENCES districts (soato),
    mahalla_code   TEXT REFERENCES mahallas (code),
    collective     SMALLINT NOT NULL DEFAULT 0,
    category       TEXT CHECK (category IN ('urgent', 'ordinary', 'consultation')),
    status         TEXT NOT NULL CHECK (status IN ('registered', 'in_progress', 'answered', 'resolved')),
    registered_day TEXT NOT NULL,
    due_day        TEXT NOT NULL,
    due_at         INTEGER NOT NULL,
    extended       SMALLINT NOT NULL DEFAULT 0,
    assigned_to    INTEGER REFERENCES users (id),
    resolution     TEXT CHECK (resolution IN ('satisfied', 'explained', 'rejected')),
    repeat_of      INTEGER REFERENCES appeals (id),
    escalations    INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX appeals_user ON appeals (user_id, id);
CREATE INDEX appeals_body_due ON appeals (body_id, due_at) WHERE status <> 'resolved';
-- The escalation job: unresolved appeals by the end of their term.
CREATE INDEX appeals_open_due ON appeals (due_at, id) WHERE status <> 'resolved';

-- Every step of an appeal, with who and when; what the resident's page and the live stream show.
CREATE TABLE appeal_events (
    id        INTEGER PRIMARY KEY,
    appeal_id INTEGER NOT NULL REFERENCES appeals (id),
    kind      TEXT NOT NULL,
    actor_id  INTEGER REFERENCES users (id),
    body_id   INTEGER REFERENCES bodies (id),
    detail    TEXT NOT NULL DEFAULT '',
    due_day   TEXT,
    at        INTEGER NOT NULL
);
CREATE INDEX appeal_events_appeal ON appeal_events (appeal_id, id);
