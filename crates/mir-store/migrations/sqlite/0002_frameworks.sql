-- Statement frameworks as data. A version, once imported, is never changed: organisations stay
-- on the version they adopted until they choose to move.

CREATE TABLE framework_versions (
    id           INTEGER PRIMARY KEY,
    slug         TEXT NOT NULL,
    version      TEXT NOT NULL,
    title        TEXT NOT NULL,
    publisher    TEXT NOT NULL,
    licence      TEXT NOT NULL,
    source_url   TEXT,
    language     TEXT NOT NULL,
    published_on TEXT NOT NULL,            -- YYYY-MM-DD, as in the file
    is_demo      BIGINT NOT NULL DEFAULT 0,
    imported_at  BIGINT NOT NULL,
    UNIQUE (slug, version)
);

CREATE TABLE framework_scale_levels (
    version_id  BIGINT NOT NULL REFERENCES framework_versions (id) ON DELETE CASCADE,
    position    BIGINT NOT NULL,
    key         TEXT NOT NULL,
    label       TEXT NOT NULL,
    description TEXT NOT NULL,
    easy_label  TEXT NOT NULL,
    PRIMARY KEY (version_id, key)
);

CREATE TABLE framework_themes (
    version_id   BIGINT NOT NULL REFERENCES framework_versions (id) ON DELETE CASCADE,
    code         TEXT NOT NULL,
    sort_order   BIGINT NOT NULL,
    title        TEXT NOT NULL,
    summary      TEXT NOT NULL,
    easy_summary TEXT NOT NULL,
    PRIMARY KEY (version_id, code)
);

CREATE TABLE framework_statements (
    version_id   BIGINT NOT NULL REFERENCES framework_versions (id) ON DELETE CASCADE,
    code         TEXT NOT NULL,
    theme_code   TEXT NOT NULL,
    position     BIGINT NOT NULL,
    kind         TEXT NOT NULL,            -- 'I' or 'We'
    text         TEXT NOT NULL,
    easy_text    TEXT NOT NULL,
    picture_file TEXT,
    picture_alt  TEXT,
    PRIMARY KEY (version_id, code),
    FOREIGN KEY (version_id, theme_code) REFERENCES framework_themes (version_id, code)
);

CREATE TABLE framework_statement_pairs (
    version_id     BIGINT NOT NULL,
    statement_code TEXT NOT NULL,
    paired_code    TEXT NOT NULL,
    position       BIGINT NOT NULL,
    PRIMARY KEY (version_id, statement_code, paired_code),
    FOREIGN KEY (version_id, statement_code) REFERENCES framework_statements (version_id, code) ON DELETE CASCADE,
    FOREIGN KEY (version_id, paired_code) REFERENCES framework_statements (version_id, code) ON DELETE CASCADE
);

CREATE TABLE framework_cross_refs (
    version_id     BIGINT NOT NULL,
    statement_code TEXT NOT NULL,
    position       BIGINT NOT NULL,
    framework      TEXT NOT NULL,
    ref_id         TEXT NOT NULL,
    PRIMARY KEY (version_id, statement_code, position),
    FOREIGN KEY (version_id, statement_code) REFERENCES framework_statements (version_id, code) ON DELETE CASCADE
);

CREATE TABLE framework_pictures (
    version_id   BIGINT NOT NULL REFERENCES framework_versions (id) ON DELETE CASCADE,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    bytes        BLOB NOT NULL,
    PRIMARY KEY (version_id, file_name)
);
