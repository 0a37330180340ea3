-- Organisations sign up themselves and wait for the national programme team's approval.
-- Organisations that existed before (demonstration data) count as approved.

ALTER TABLE organisations ADD COLUMN status TEXT NOT NULL DEFAULT 'approved';
ALTER TABLE organisations ADD COLUMN website TEXT;
ALTER TABLE organisations ADD COLUMN commitment TEXT;
ALTER TABLE organisations ADD COLUMN framework_slug TEXT;
ALTER TABLE organisations ADD COLUMN framework_version TEXT;
ALTER TABLE organisations ADD COLUMN decision_reason TEXT;
ALTER TABLE organisations ADD COLUMN decided_at BIGINT;
CREATE INDEX organisations_status ON organisations (status);

CREATE TABLE organisation_areas (
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    area_code       TEXT NOT NULL,            -- ONS code of an upper-tier council
    PRIMARY KEY (organisation_id, area_code)
);
CREATE INDEX organisation_areas_area ON organisation_areas (area_code);

CREATE TABLE memberships (
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    person_id       BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    role            TEXT NOT NULL,            -- 'admin', 'staff', 'expert', 'carer'
    is_co_chair     BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, person_id)
);
CREATE INDEX memberships_person ON memberships (person_id);
