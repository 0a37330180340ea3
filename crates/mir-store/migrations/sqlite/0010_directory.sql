-- What the public can find: each organisation's published priorities and the statements they
-- serve, copied from its latest published version when it is published, so the directory, the
-- map, area pages and "who else is working on this" need no JSON.

CREATE TABLE published_priorities (
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    priority_id     BIGINT NOT NULL,
    title           TEXT NOT NULL,
    status          TEXT NOT NULL,
    PRIMARY KEY (organisation_id, priority_id)
);

CREATE TABLE published_statements (
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    priority_id     BIGINT NOT NULL,
    statement_code  TEXT NOT NULL,
    PRIMARY KEY (organisation_id, priority_id, statement_code)
);
CREATE INDEX published_statements_code ON published_statements (statement_code);

-- When anything public last changed (a version or a public update), for "updated recently".
ALTER TABLE organisations ADD COLUMN last_public_change BIGINT;
