-- Full-text search over what is public: organisations, published priorities and actions,
-- public progress updates. SQLite uses FTS5 (porter stemming); PostgreSQL a tsvector.
CREATE TABLE search_index (
    kind            TEXT NOT NULL,
    slug            TEXT NOT NULL,
    anchor          TEXT NOT NULL,
    title           TEXT NOT NULL,
    body            TEXT NOT NULL,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    document        TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')
    ) STORED
);
CREATE INDEX search_index_document ON search_index USING GIN (document);
CREATE INDEX search_index_organisation ON search_index (organisation_id);
