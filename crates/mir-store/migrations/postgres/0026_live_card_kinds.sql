-- A live session's own kinds of card (decision 0035): their names, Easy Read words, colours,
-- pictures and what each becomes in a review, as JSON written by the application. Empty means
-- the three kinds every session had before (working well, needs to change, idea).
ALTER TABLE live_sessions ADD COLUMN card_kinds TEXT NOT NULL DEFAULT '';
