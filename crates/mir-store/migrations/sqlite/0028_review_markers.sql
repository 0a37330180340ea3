-- Markers of progress ticked in a review (issue 19, decision 0037): for each marker of a
-- statement in the review, whether the group found it in place, with a link to evidence, and
-- the plan action made from it when it was not. Markers are numbered from 1 within their
-- statement in the review's framework version, which never changes.
CREATE TABLE review_markers (
    review_id      BIGINT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    statement_code TEXT NOT NULL,
    position       BIGINT NOT NULL,
    in_place       BIGINT,                 -- 1 in place, 0 not; NULL: nobody has said yet
    evidence_url   TEXT NOT NULL DEFAULT '',
    action_id      BIGINT REFERENCES plan_actions (id) ON DELETE SET NULL,
    recorded_by    BIGINT REFERENCES people (id) ON DELETE SET NULL,
    recorded_at    BIGINT NOT NULL,
    PRIMARY KEY (review_id, statement_code, position)
);
