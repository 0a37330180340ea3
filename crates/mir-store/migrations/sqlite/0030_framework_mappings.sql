-- Moving to a new framework version (issue 19, decision 0040): where each statement of the
-- earlier version went in this one. One row per (earlier statement, statement it became); a
-- retired statement has one row with an empty new_code. Complete once imported: every
-- statement of the earlier version is listed.
CREATE TABLE framework_mappings (
    version_id   BIGINT NOT NULL REFERENCES framework_versions (id) ON DELETE CASCADE,
    from_version TEXT NOT NULL,
    old_code     TEXT NOT NULL,
    position     BIGINT NOT NULL,
    new_code     TEXT NOT NULL,
    PRIMARY KEY (version_id, old_code, new_code)
);

-- Co-chairs agreeing to move their organisation to a newer version: one row per co-chair;
-- the move is made when two agree (one of them an Expert by Experience or a carer).
CREATE TABLE framework_move_approvals (
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    framework_slug  TEXT NOT NULL,
    to_version      TEXT NOT NULL,
    person_id       BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    role            TEXT NOT NULL,
    approved_at     BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, framework_slug, to_version, person_id)
);
