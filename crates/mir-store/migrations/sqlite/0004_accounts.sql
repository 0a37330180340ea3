-- Accounts: passwords (Argon2id, optional: a sign-in link by email works just as well),
-- tokens for emailed links of several purposes, sessions tied to people (for "sign out
-- everywhere"), and rate limiting shared by every server.

ALTER TABLE people ADD COLUMN password_hash TEXT;

ALTER TABLE sign_in_tokens ADD COLUMN purpose TEXT NOT NULL DEFAULT 'sign-in';
ALTER TABLE sign_in_tokens ADD COLUMN new_email TEXT;

ALTER TABLE sessions ADD COLUMN person_id BIGINT;
CREATE INDEX sessions_person ON sessions (person_id);

CREATE TABLE rate_limit_events (
    id     INTEGER PRIMARY KEY,
    bucket TEXT NOT NULL,   -- e.g. 'password:email:<sha256>' — never a raw address
    at     BIGINT NOT NULL
);
CREATE INDEX rate_limit_events_bucket_at ON rate_limit_events (bucket, at);
