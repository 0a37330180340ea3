-- People and one-time sign-in links. Accounts grow with the sign-up work (passwords,
-- memberships); this is the part the national programme team needs first.

CREATE TABLE people (
    id                INTEGER PRIMARY KEY,
    email             TEXT NOT NULL UNIQUE,     -- stored lowercased
    is_national_admin BIGINT NOT NULL DEFAULT 0,
    created_at        BIGINT NOT NULL
);

CREATE TABLE sign_in_tokens (
    token_hash TEXT PRIMARY KEY,                -- SHA-256 of the token in the link
    person_id  BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX sign_in_tokens_person ON sign_in_tokens (person_id);

-- A framework file uploaded in the browser, kept between its preview and its publication.
CREATE TABLE framework_uploads (
    id         INTEGER PRIMARY KEY,
    person_id  BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    file_name  TEXT NOT NULL,
    source     TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE framework_upload_pictures (
    upload_id    BIGINT NOT NULL REFERENCES framework_uploads (id) ON DELETE CASCADE,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    bytes        BLOB NOT NULL,
    PRIMARY KEY (upload_id, file_name)
);
