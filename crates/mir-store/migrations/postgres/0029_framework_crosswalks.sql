-- Crosswalks (issue 19, decision 0039): other frameworks' items that a framework version's
-- statements map to through their cross-references (for example a regulator's quality
-- statements), in the publisher's own words. Part of the framework version.
CREATE TABLE framework_crosswalks (
    version_id BIGINT NOT NULL REFERENCES framework_versions (id) ON DELETE CASCADE,
    framework  TEXT NOT NULL,
    position   BIGINT NOT NULL,
    title      TEXT NOT NULL,
    publisher  TEXT NOT NULL,
    PRIMARY KEY (version_id, framework)
);

CREATE TABLE framework_crosswalk_items (
    version_id BIGINT NOT NULL,
    framework  TEXT NOT NULL,
    item_id    TEXT NOT NULL,
    position   BIGINT NOT NULL,
    title      TEXT NOT NULL,
    text       TEXT NOT NULL,
    PRIMARY KEY (version_id, framework, item_id),
    FOREIGN KEY (version_id, framework) REFERENCES framework_crosswalks (version_id, framework) ON DELETE CASCADE
);
