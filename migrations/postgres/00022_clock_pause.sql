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
ALTER TABLE cases ADD COLUMN info_reply_by DATE;
ALTER TABLE cases ADD COLUMN paused_on DATE;
ALTER TABLE cases ADD COLUMN paused_days INTEGER NOT NULL DEFAULT 0 CHECK (paused_days >= 0);

-- The dashboard does not count a paused case as due soon or overdue: the live index carries
-- paused_on so that its count stays an index-only scan.
DROP INDEX cases_live;
CREATE INDEX cases_live ON cases (controller_id, received_on) INCLUDE (site_id, assignee_id, kind_mask, status, answer_due_on, answered_on, days_taken, extended_due_on, answer_result, paused_on)
    WHERE NOT stats_rolled AND status IN ('open', 'in_progress', 'awaiting_requester', 'completed', 'refused', 'withdrawn');

-- +goose Down
DROP INDEX cases_live;
CREATE INDEX cases_live ON cases (controller_id, received_on) INCLUDE (site_id, assignee_id, kind_mask, status, answer_due_on, answered_on, days_taken, extended_due_on, answer_result)
    WHERE NOT stats_rolled AND status IN ('open', 'in_progress', 'awaiting_requester', 'completed', 'refused', 'withdrawn');
ALTER TABLE cases DROP COLUMN paused_days;
ALTER TABLE cases DROP COLUMN paused_on;
ALTER TABLE cases DROP COLUMN info_reply_by;
ALTER TABLE controllers DROP COLUMN identity_pause;
