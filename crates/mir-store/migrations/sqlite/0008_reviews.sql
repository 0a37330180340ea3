-- "How are we doing?": review cycles, the views members give, workshop views typed in by a
-- facilitator, agreed positions confirmed by both co-chairs, and forms kept when a session
-- ended while someone was typing.

-- How often the organisation usually reviews, in months (none: not set).
ALTER TABLE organisations ADD COLUMN review_cadence_months BIGINT;

CREATE TABLE reviews (
    id                INTEGER PRIMARY KEY,
    organisation_id   BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    title             TEXT NOT NULL,
    framework_slug    TEXT NOT NULL,
    framework_version TEXT NOT NULL,
    themes            TEXT NOT NULL DEFAULT '',   -- theme codes separated by spaces; empty: all
    closes_on         TEXT,                       -- YYYY-MM-DD
    status            TEXT NOT NULL DEFAULT 'open',
    opened_by         BIGINT REFERENCES people (id) ON DELETE SET NULL,
    created_at        BIGINT NOT NULL,
    closed_at         BIGINT
);
CREATE INDEX reviews_organisation ON reviews (organisation_id);

-- A member's choice to give views anonymously in one review.
CREATE TABLE review_participants (
    review_id BIGINT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    person_id BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    anonymous BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (review_id, person_id)
);

-- One member's view on one statement. level: a scale key, 'not-sure', or '' (not chosen yet).
-- Deleting an account deletes its views (the right to erasure outweighs keeping them).
CREATE TABLE review_views (
    review_id      BIGINT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    statement_code TEXT NOT NULL,
    person_id      BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    perspective    TEXT NOT NULL,
    level          TEXT NOT NULL DEFAULT '',
    working        TEXT NOT NULL DEFAULT '',
    to_change      TEXT NOT NULL DEFAULT '',
    updated_at     BIGINT NOT NULL,
    PRIMARY KEY (review_id, statement_code, person_id)
);

-- Views given on paper or in a room, typed in by a co-chair: one line per group of people.
CREATE TABLE workshop_views (
    id             INTEGER PRIMARY KEY,
    review_id      BIGINT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    statement_code TEXT NOT NULL,
    perspective    TEXT NOT NULL,
    level          TEXT NOT NULL,
    people         BIGINT NOT NULL,
    working        TEXT NOT NULL DEFAULT '',
    to_change      TEXT NOT NULL DEFAULT '',
    session_label  TEXT NOT NULL DEFAULT '',
    entered_by     BIGINT REFERENCES people (id) ON DELETE SET NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX workshop_views_review ON workshop_views (review_id);

-- What the group agreed for a statement; changing it clears the confirmations.
CREATE TABLE agreed_positions (
    review_id      BIGINT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    statement_code TEXT NOT NULL,
    level          TEXT NOT NULL,
    summary        TEXT NOT NULL,
    agreed_on      TEXT NOT NULL,                 -- YYYY-MM-DD
    recorded_by    BIGINT REFERENCES people (id) ON DELETE SET NULL,
    recorded_at    BIGINT NOT NULL,
    PRIMARY KEY (review_id, statement_code)
);

-- A co-chair's confirmation, with the role they held when they confirmed.
CREATE TABLE position_confirmations (
    review_id      BIGINT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    statement_code TEXT NOT NULL,
    person_id      BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    role           TEXT NOT NULL,
    confirmed_at   BIGINT NOT NULL,
    PRIMARY KEY (review_id, statement_code, person_id)
);

-- A form posted after its session ended, kept (hashed key in a cookie) until the person signs
-- in again and sees it filled in, so nothing typed is lost. Kept for 7 days at most.
CREATE TABLE kept_forms (
    key_hash   TEXT PRIMARY KEY,
    path       TEXT NOT NULL,
    form       TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
