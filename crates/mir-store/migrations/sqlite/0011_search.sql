-- Full-text search over what is public: organisations, published priorities and actions,
-- public progress updates. SQLite uses FTS5 (porter stemming); PostgreSQL a tsvector.
CREATE VIRTUAL TABLE search_index USING fts5(
    kind UNINDEXED,
    slug UNINDEXED,
    anchor UNINDEXED,
    title,
    body,
    organisation_id UNINDEXED,
    tokenize = 'porter unicode61'
);
