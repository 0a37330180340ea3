-- People are named to each other by a name they choose (and optional pronouns), not by their
-- email address. `name_public` is their consent to be named on the public plan while they are a
-- co-chair.
ALTER TABLE people ADD COLUMN display_name TEXT;
ALTER TABLE people ADD COLUMN pronouns TEXT;
ALTER TABLE people ADD COLUMN name_public BIGINT NOT NULL DEFAULT 0;
