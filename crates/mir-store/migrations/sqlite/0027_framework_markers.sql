-- Markers of progress (issue 19, decision 0036): for a statement, the things that would be in
-- place if it were true, in the framework's words and in Easy Read. Part of a framework
-- version, like its cross-references.
CREATE TABLE framework_markers (
    version_id     BIGINT NOT NULL,
    statement_code TEXT NOT NULL,
    position       BIGINT NOT NULL,
    text           TEXT NOT NULL,
    easy_text      TEXT NOT NULL,
    PRIMARY KEY (version_id, statement_code, position),
    FOREIGN KEY (version_id, statement_code) REFERENCES framework_statements (version_id, code) ON DELETE CASCADE
);
