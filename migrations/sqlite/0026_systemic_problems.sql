-- Systemic problems taken up by a working group (issue 15, point 3): a topic in a place (a
-- body's appeals, a district, a region, the country; a mahalla when it came from a cluster),
-- found in a quarter's picture; led by the head who took it, with its members, its plan, and
-- how it was closed. What the picture reads by place and topic.
-- Kept equivalent to postgres/0026_systemic_problems.sql.

CREATE TABLE systemic_problems (
    id           INTEGER PRIMARY KEY,
    scope        TEXT NOT NULL,
    quarter      TEXT NOT NULL,
    topic_code   TEXT NOT NULL REFERENCES topics (code),
    mahalla_code TEXT REFERENCES mahallas (code),
    title        TEXT NOT NULL,
    leader_id    INTEGER NOT NULL REFERENCES users (id),
    leader_name  TEXT NOT NULL,
    members      TEXT NOT NULL DEFAULT '',
    plan         TEXT,
    plan_at      INTEGER,
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    result       TEXT,
    taken_at     INTEGER NOT NULL,
    closed_at    INTEGER
);
CREATE INDEX systemic_problems_scope ON systemic_problems (scope, status, id);

CREATE INDEX appeals_mahalla_topic ON appeals (mahalla_code, topic_code, created_at);
