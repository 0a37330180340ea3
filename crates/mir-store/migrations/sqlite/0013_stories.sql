-- Good practice stories: short pieces an organisation publishes about how it improved on some
-- statements. The body is Markdown, sanitised when it is shown.
CREATE TABLE stories (
    id              INTEGER PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    title           TEXT NOT NULL,
    body            TEXT NOT NULL,
    statements      TEXT NOT NULL,               -- statement codes separated by spaces
    created_by      BIGINT REFERENCES people (id) ON DELETE SET NULL,
    published_at    BIGINT NOT NULL
);
CREATE INDEX stories_organisation ON stories (organisation_id);
CREATE INDEX stories_published ON stories (published_at);
