-- A verification link clicked again after it was used. Using the link clears verify_token_hash, so
-- a second click found nothing and the requester read "page not found". The hash of the used token
-- is now kept in verify_spent_hash, so that the second click can say the request is already
-- confirmed and where the status page's link is (the acknowledgement letter). It opens nothing:
-- the status page's token exists only in that letter.

-- +goose Up
ALTER TABLE cases ADD COLUMN verify_spent_hash TEXT;
CREATE UNIQUE INDEX cases_verify_spent_hash ON cases (verify_spent_hash);

-- +goose Down
DROP INDEX cases_verify_spent_hash;
ALTER TABLE cases DROP COLUMN verify_spent_hash;
