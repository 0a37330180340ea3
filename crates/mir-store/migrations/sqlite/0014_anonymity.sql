-- How many people a perspective needs before a review summary shows its figures and anonymous
-- words on their own (k-anonymity; never below 3, checked in the domain).
ALTER TABLE organisations ADD COLUMN anonymity_threshold BIGINT NOT NULL DEFAULT 3;
