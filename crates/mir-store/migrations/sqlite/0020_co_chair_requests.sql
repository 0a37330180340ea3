-- Taking the co-chair role from someone, or removing a co-chair from the group, needs two
-- people: the one who asks and the other co-chair (or the co-chair themself). A request waits
-- here until one of them agrees, or it is withdrawn or declined. One request per co-chair.
CREATE TABLE co_chair_requests (
    id              INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: a page opened earlier names one request
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    person_id       BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    change          TEXT NOT NULL,            -- 'step-down' (stays a member) or 'remove'
    asked_by        BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    asked_at        BIGINT NOT NULL,
    UNIQUE (organisation_id, person_id)
);
