-- Priorities and action plans, progress updates, co-chairs' approvals, immutable published
-- versions, background job runs and email preferences.

-- Every change to the draft plan raises the revision; approvals count for one revision only.
ALTER TABLE organisations ADD COLUMN plan_revision BIGINT NOT NULL DEFAULT 0;
-- The organisation's choice: progress updates and status changes go public without a new
-- approval (1) or wait for the next approved version (0).
ALTER TABLE organisations ADD COLUMN publish_updates_directly BIGINT NOT NULL DEFAULT 0;

CREATE TABLE priorities (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    title           TEXT NOT NULL,
    statements      TEXT NOT NULL,               -- statement codes separated by spaces
    target          TEXT NOT NULL,               -- where we want to get to
    why             TEXT NOT NULL DEFAULT '',
    review_id       BIGINT REFERENCES reviews (id) ON DELETE SET NULL,
    status          TEXT NOT NULL,
    dropped_reason  TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX priorities_organisation ON priorities (organisation_id);

CREATE TABLE plan_actions (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    priority_id BIGINT NOT NULL REFERENCES priorities (id) ON DELETE CASCADE,
    what        TEXT NOT NULL,
    lead        TEXT NOT NULL,
    involved    TEXT NOT NULL DEFAULT '',
    due_on      TEXT,
    review_on   TEXT,
    status      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX plan_actions_priority ON plan_actions (priority_id);

CREATE TABLE progress_updates (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    priority_id     BIGINT NOT NULL REFERENCES priorities (id) ON DELETE CASCADE,
    action_id       BIGINT REFERENCES plan_actions (id) ON DELETE CASCADE,
    note            TEXT NOT NULL,
    new_status      TEXT,
    evidence_url    TEXT,
    created_by      BIGINT REFERENCES people (id) ON DELETE SET NULL,
    created_at      BIGINT NOT NULL,
    published_at    BIGINT                       -- when it went public; none: not yet
);
CREATE INDEX progress_updates_organisation ON progress_updates (organisation_id, created_at);

CREATE TABLE plan_approvals (
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    revision        BIGINT NOT NULL,
    person_id       BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    role            TEXT NOT NULL,
    approved_at     BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, revision, person_id)
);

-- Never updated: each approval by both co-chairs adds one.
CREATE TABLE plan_versions (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    number          BIGINT NOT NULL,
    snapshot        TEXT NOT NULL,               -- JSON: the plan as published
    approved_by     TEXT NOT NULL,               -- JSON: the co-chairs' roles and times
    published_at    BIGINT NOT NULL,
    UNIQUE (organisation_id, number)
);

-- A job that must run once across every server (a reminder, a digest): the first to insert
-- the row runs it.
CREATE TABLE job_runs (
    kind   TEXT NOT NULL,
    key    TEXT NOT NULL,
    ran_at BIGINT NOT NULL,
    PRIMARY KEY (kind, key)
);

-- Emails a person has turned off (absent: on).
CREATE TABLE email_preferences (
    person_id BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    kind      TEXT NOT NULL,
    enabled   BIGINT NOT NULL,
    PRIMARY KEY (person_id, kind)
);
