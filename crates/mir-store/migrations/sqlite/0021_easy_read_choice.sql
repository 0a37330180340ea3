-- A person may choose Easy Read for good: pages open in Easy Read when they sign in on any
-- device, and emails that ask for their part come in Easy Read.
ALTER TABLE people ADD COLUMN easy_read BIGINT NOT NULL DEFAULT 0;
