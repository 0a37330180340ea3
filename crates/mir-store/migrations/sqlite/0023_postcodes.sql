-- Postcodes an operator loaded from the ONS Postcode Directory (`mir import postcodes`), so a
-- visitor can find the organisations nearest to a postcode without any outside service.
-- Only live English postcodes are kept: each with its district, its upper-tier council and its
-- point. `loaded_at` marks the import that last saw a postcode; a finished import removes
-- postcodes the new file no longer has.
CREATE TABLE postcodes (
    postcode TEXT PRIMARY KEY,
    district_code TEXT NOT NULL,
    council_code TEXT NOT NULL,
    latitude REAL NOT NULL,
    longitude REAL NOT NULL,
    loaded_at INTEGER NOT NULL
);
