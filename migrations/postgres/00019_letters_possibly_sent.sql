-- A letter is marked before its message goes to the SMTP server (send_started_at), and a letter
-- whose worker died, or lost the connection while the server was answering the end of the data,
-- is "possibly_sent": it may be in the recipient's mailbox. It is never sent again on its own; an
-- admin checks and decides (send again with the same Message-ID, or mark it sent).

-- +goose Up
ALTER TABLE letters ADD COLUMN send_started_at TIMESTAMPTZ;
ALTER TABLE letters DROP CONSTRAINT letters_status_check;
ALTER TABLE letters ADD CONSTRAINT letters_status_check
    CHECK (status IN ('queued', 'sent', 'failed', 'possibly_sent'));

-- +goose Down
-- An older binary knows no "possibly sent": such a letter becomes failed (an admin may send it
-- again), never queued (it would go out a second time unasked).
UPDATE letters SET status = 'failed', failed_at = COALESCE(send_started_at, now()),
    last_error = 'possibly sent: the worker stopped while handing the letter to the mail server'
    WHERE status = 'possibly_sent';
ALTER TABLE letters DROP CONSTRAINT letters_status_check;
ALTER TABLE letters ADD CONSTRAINT letters_status_check CHECK (status IN ('queued', 'sent', 'failed'));
ALTER TABLE letters DROP COLUMN send_started_at;
