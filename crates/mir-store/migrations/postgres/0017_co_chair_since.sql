-- Since when each co-chair holds the role: the public plan says so, so a change of co-chairs
-- is visible to everyone (an administrator cannot quietly make themself and a second mailbox
-- the two co-chairs). Existing co-chairs count from when they joined.
ALTER TABLE memberships ADD COLUMN co_chair_since BIGINT;
UPDATE memberships SET co_chair_since = created_at WHERE is_co_chair = 1;
