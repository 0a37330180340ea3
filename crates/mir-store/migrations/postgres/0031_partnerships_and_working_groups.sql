-- Partnerships and working groups (issue 19, decision 0041). Both are organisations with a
-- co-production group of their own, so reviews, plans and approvals work as for any other.

-- A working group belongs to one board: the organisation (or partnership) above it.
ALTER TABLE organisations ADD COLUMN parent_id BIGINT REFERENCES organisations (id) ON DELETE CASCADE;
CREATE INDEX organisations_parent ON organisations (parent_id);

-- The organisations in a partnership. Each joins when its own administrator accepts
-- (accepted_at set); until then it is invited. One that said no stays listed (declined_at),
-- so it is not invited, and emailed, again and again; an invitation withdrawn (withdrawn_at)
-- is not sent again for a week.
CREATE TABLE partnership_partners (
    partnership_id  BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    invited_at      BIGINT NOT NULL,
    accepted_at     BIGINT,
    declined_at     BIGINT,
    withdrawn_at    BIGINT,
    PRIMARY KEY (partnership_id, organisation_id)
);
CREATE INDEX partnership_partners_organisation ON partnership_partners (organisation_id);

-- A member of a partnership who came in through one of its partners: they leave it when they
-- leave that partner. Empty for people who joined the partnership itself.
ALTER TABLE memberships ADD COLUMN via_organisation_id BIGINT REFERENCES organisations (id) ON DELETE CASCADE;

-- People a partnership removed (or who left it): a partner does not bring them back. Joining
-- the partnership itself again (an invitation, being added back) clears it.
CREATE TABLE partnership_exclusions (
    partnership_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    person_id      BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    PRIMARY KEY (partnership_id, person_id)
);

-- A priority a board took into its plan from one of its working groups: the group, and the
-- group's priority it came from (so it is offered once).
ALTER TABLE priorities ADD COLUMN from_group_id BIGINT REFERENCES organisations (id) ON DELETE SET NULL;
ALTER TABLE priorities ADD COLUMN from_priority_id BIGINT;
