-- Requests for information with a reply-by date, and the pause of the clock for identity
-- questions (Art. 12(6) GDPR).
--
-- info_reply_by is the date staff asked the requester to answer by; the letter says that without
-- an answer by then the request may be refused (Art. 12(6) and 11(2)).
--
-- identity_pause is the controller's choice, off by default: while the requester is asked to
-- confirm their identity, the time limit does not run. paused_on is the day the current pause
-- began (NULL when the clock runs); paused_days the calendar days of the pauses that ended, which
-- the case's due dates already include.

-- +goose Up
ALTER TABLE controllers ADD COLUMN identity_pause BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE cases ADD COLUMN info_reply_by TEXT;
ALTER TABLE cases ADD COLUMN paused_on TEXT;
ALTER TABLE cases ADD COLUMN paused_days INTEGER NOT NULL DEFAULT 0 CHECK (paused_days >= 0);

-- +goose Down
ALTER TABLE cases DROP COLUMN paused_days;
ALTER TABLE cases DROP COLUMN paused_on;
ALTER TABLE cases DROP COLUMN info_reply_by;
ALTER TABLE controllers DROP COLUMN identity_pause;
