-- A sign-up by someone not signed in waits here until the person at its email address confirms
-- by the emailed link: nothing is created, and nobody becomes an administrator, before that.
-- The key is the SHA-256 of the link's token; rows expire after a day.
CREATE TABLE pending_sign_ups (
    token_hash TEXT PRIMARY KEY,
    email      TEXT NOT NULL,
    draft      TEXT NOT NULL,    -- the answers, as JSON
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX pending_sign_ups_expiry ON pending_sign_ups (expires_at);
