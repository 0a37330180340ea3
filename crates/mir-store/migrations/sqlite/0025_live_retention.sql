-- How many days a group keeps a closed live session before it is deleted (decision 0034):
-- the group sets it; new sessions take it, and changing it applies to sessions not kept.
ALTER TABLE organisations ADD COLUMN live_retention_days INTEGER NOT NULL DEFAULT 90;
-- The review a session's cards' words were put into (once only, so nothing is said twice).
ALTER TABLE live_sessions ADD COLUMN review_id BIGINT REFERENCES reviews (id) ON DELETE SET NULL;
