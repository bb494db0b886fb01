-- Answers right by right (Art. 12(4), 15–21): each right of a case is complied with in full, in
-- part, or refused with its own ground and reasons. The case keeps the answer as a whole
-- (answer_result: full, partial or refused) so that the dashboard and the public disclosure page
-- count "in part" apart from "in full" without a join.
--
-- An objection to direct marketing (Art. 21(2)) is marked at filing: it needs no grounds and can
-- never be refused (Art. 21(3)).
--
-- Files of an answer say which right they answer: a copy of the data (access, Art. 15(3)) or the
-- data in a structured, machine-readable format (portability, Art. 20(1)).

-- +goose Up
ALTER TABLE case_outcomes ADD COLUMN result TEXT NOT NULL DEFAULT 'full'
    CHECK (result IN ('full', 'partial', 'refused'));
ALTER TABLE case_outcomes ADD COLUMN ground TEXT NOT NULL DEFAULT '';
ALTER TABLE case_outcomes ADD COLUMN reasons TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN answer_result TEXT NOT NULL DEFAULT ''
    CHECK (answer_result IN ('', 'full', 'partial', 'refused'));
ALTER TABLE cases ADD COLUMN objection_direct_marketing BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE case_files ADD COLUMN kind TEXT NOT NULL DEFAULT 'access'
    CHECK (kind IN ('access', 'portability'));
ALTER TABLE case_stats ADD COLUMN partial BIGINT NOT NULL DEFAULT 0;

-- Answers given before: every completion complied in full; a refusal refused every right, with
-- the ground on the case and the reasons in the refusal's event ("… Reasons: <text>").
UPDATE cases SET answer_result = 'full' WHERE status = 'completed';
UPDATE cases SET answer_result = 'refused' WHERE status = 'refused';
INSERT INTO case_outcomes (case_id, kind, outcome, result, ground, reasons)
SELECT c.id, k.kind, '', 'refused', c.refusal_ground,
       COALESCE((SELECT substr(e.message, strpos(e.message, 'Reasons: ') + 9) FROM events e
                 WHERE e.case_id = c.id AND e.type = 'refused' AND strpos(e.message, 'Reasons: ') > 0
                 ORDER BY e.id DESC LIMIT 1), '')
FROM cases c JOIN case_kinds k ON k.case_id = c.id
WHERE c.status = 'refused'
ON CONFLICT (case_id, kind) DO NOTHING;

-- The dashboard's two indexes carry what it reads, answer_result now included.
DROP INDEX cases_live;
CREATE INDEX cases_live ON cases (controller_id, received_on) INCLUDE (site_id, assignee_id, kind_mask, status, answer_due_on, answered_on, days_taken, extended_due_on, answer_result)
    WHERE NOT stats_rolled AND status IN ('open', 'in_progress', 'awaiting_requester', 'completed', 'refused', 'withdrawn');
DROP INDEX cases_controller_answered;
CREATE INDEX cases_controller_answered ON cases (controller_id, answered_on) INCLUDE (days_taken, answer_due_on, extended_due_on, status, assignee_id, kind_mask, site_id, answer_result)
    WHERE answered_on IS NOT NULL;

-- +goose Down
DROP INDEX cases_controller_answered;
CREATE INDEX cases_controller_answered ON cases (controller_id, answered_on) INCLUDE (days_taken, answer_due_on, extended_due_on, status, assignee_id, kind_mask, site_id)
    WHERE answered_on IS NOT NULL;
DROP INDEX cases_live;
CREATE INDEX cases_live ON cases (controller_id, received_on) INCLUDE (site_id, assignee_id, kind_mask, status, answer_due_on, answered_on, days_taken, extended_due_on)
    WHERE NOT stats_rolled AND status IN ('open', 'in_progress', 'awaiting_requester', 'completed', 'refused', 'withdrawn');
-- An older binary reads outcomes only on completed cases, as free text.
DELETE FROM case_outcomes WHERE case_id IN (SELECT id FROM cases WHERE status = 'refused');
ALTER TABLE case_stats DROP COLUMN partial;
ALTER TABLE case_files DROP COLUMN kind;
ALTER TABLE cases DROP COLUMN objection_direct_marketing;
ALTER TABLE cases DROP COLUMN answer_result;
ALTER TABLE case_outcomes DROP COLUMN reasons;
ALTER TABLE case_outcomes DROP COLUMN ground;
ALTER TABLE case_outcomes DROP COLUMN result;
