-- Who changed what and when, for organisations and memberships (later: plans). Append-only:
-- mir has no way to change or delete an event. A deleted person's events stay, unnamed.

CREATE TABLE audit_events (
    id              INTEGER PRIMARY KEY,
    organisation_id BIGINT REFERENCES organisations (id) ON DELETE SET NULL,
    actor_person_id BIGINT REFERENCES people (id) ON DELETE SET NULL,
    action          TEXT NOT NULL,
    detail          TEXT NOT NULL,   -- JSON: before/after where there is one
    at              BIGINT NOT NULL
);
CREATE INDEX audit_events_organisation ON audit_events (organisation_id, at);
