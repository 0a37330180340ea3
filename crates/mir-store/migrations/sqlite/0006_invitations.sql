-- Invitations to join an organisation's co-production group, accepted by a link (7 days).

CREATE TABLE invitations (
    id              INTEGER PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    email           TEXT NOT NULL,
    role            TEXT NOT NULL,
    is_co_chair     BIGINT NOT NULL DEFAULT 0,
    token_hash      TEXT NOT NULL UNIQUE,
    invited_by      BIGINT REFERENCES people (id) ON DELETE SET NULL,
    expires_at      BIGINT NOT NULL,
    accepted_at     BIGINT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX invitations_organisation ON invitations (organisation_id);
