-- Every email waits here until a worker has sent it: written by the change that caused it, sent
-- with retries and backoff, never lost when the mail server is down, never sent twice when
-- several servers run (a worker claims a row with a random claim and a lease before sending).
-- A sent row is deleted (bodies can hold sign-in links); one that failed too often stays, with
-- its last error, for the national team's admin page.
CREATE TABLE mail_outbox (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    to_address      TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    last_error      TEXT,
    claim           TEXT,
    claimed_until   BIGINT,
    gave_up_at      BIGINT
);
CREATE INDEX mail_outbox_due ON mail_outbox (gave_up_at, next_attempt_at);
