-- Foundations: server-side sessions, key/value settings, organisations, feedback.
-- Times are Unix seconds and booleans 0/1, both BIGINT, so the same queries and Rust types
-- serve SQLite and PostgreSQL (sqlx's Any driver cannot decode SQLite booleans).

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,      -- SHA-256 of the cookie's token, never the token itself
    data       TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE organisations (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    is_demo    BIGINT NOT NULL DEFAULT 0,  -- booleans are 0/1 integers on both engines
    created_at BIGINT NOT NULL
);

CREATE TABLE feedback (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message     TEXT NOT NULL,
    reply_email TEXT,
    created_at  BIGINT NOT NULL
);
