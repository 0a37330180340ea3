-- An organisation says who it is in its own words, on its public page, and can change it (and
-- its website and commitment) after signing up.
ALTER TABLE organisations ADD COLUMN description TEXT;
