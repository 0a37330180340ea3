-- Live co-production sessions (decision 0034): a room's cards, groups and dots. Participants
-- have no account: a device keeps its place with a random token (stored hashed) in a cookie.
-- `version` counts every change, so boards on every server can see there is something new.
CREATE TABLE live_sessions (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id    BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    code               TEXT NOT NULL UNIQUE,
    title              TEXT NOT NULL,
    question           TEXT NOT NULL,
    statements         TEXT NOT NULL DEFAULT '',  -- statement codes, space-separated
    state              TEXT NOT NULL,             -- 'draft', 'open', 'closed', 'archived'
    vote_budget        BIGINT NOT NULL,
    retention_days     BIGINT NOT NULL,           -- deleted this long after closing …
    keep               BIGINT NOT NULL DEFAULT 0, -- … unless the group keeps it
    participants       BIGINT NOT NULL DEFAULT 0,
    cards              BIGINT NOT NULL DEFAULT 0,
    version            BIGINT NOT NULL DEFAULT 0,
    created_by         BIGINT REFERENCES people (id) ON DELETE SET NULL,
    created_at         BIGINT NOT NULL,
    opened_at          BIGINT,
    closed_at          BIGINT
);
CREATE INDEX live_sessions_by_organisation ON live_sessions (organisation_id, created_at);

CREATE TABLE live_participants (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id   BIGINT NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL UNIQUE,
    perspective  TEXT NOT NULL,
    name         TEXT NOT NULL,                   -- '' = anonymous
    dots_used    BIGINT NOT NULL DEFAULT 0,
    joined_at    BIGINT NOT NULL
);
CREATE INDEX live_participants_by_session ON live_participants (session_id);

CREATE TABLE live_groups (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id  BIGINT NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX live_groups_by_session ON live_groups (session_id);

CREATE TABLE live_cards (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id      BIGINT NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
    participant_id  BIGINT REFERENCES live_participants (id) ON DELETE CASCADE, -- NULL: typed in from paper
    perspective     TEXT NOT NULL,
    kind            TEXT NOT NULL,
    text            TEXT NOT NULL,
    statement       TEXT NOT NULL DEFAULT '',
    group_id        BIGINT REFERENCES live_groups (id) ON DELETE SET NULL,
    hidden_reason   TEXT,                        -- set when a facilitator hides it
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX live_cards_by_session ON live_cards (session_id, id);

-- A dot on a card or on a group: one per participant per target.
CREATE TABLE live_votes (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id      BIGINT NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
    participant_id  BIGINT NOT NULL REFERENCES live_participants (id) ON DELETE CASCADE,
    card_id         BIGINT REFERENCES live_cards (id) ON DELETE CASCADE,
    group_id        BIGINT REFERENCES live_groups (id) ON DELETE CASCADE,
    created_at      BIGINT NOT NULL,
    CHECK ((card_id IS NULL) <> (group_id IS NULL))
);
CREATE INDEX live_votes_by_session ON live_votes (session_id);
CREATE UNIQUE INDEX live_votes_one_per_card ON live_votes (participant_id, card_id) WHERE card_id IS NOT NULL;
CREATE UNIQUE INDEX live_votes_one_per_group ON live_votes (participant_id, group_id) WHERE group_id IS NOT NULL;
