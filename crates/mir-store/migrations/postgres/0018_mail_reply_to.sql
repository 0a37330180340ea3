-- A relayed message may carry the sender's address as Reply-To, when the sender agrees, so that
-- "Reply" in the recipient's mail program reaches them.
ALTER TABLE mail_outbox ADD COLUMN reply_to TEXT;
