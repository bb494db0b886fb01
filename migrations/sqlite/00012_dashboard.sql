-- The managers' dashboard and the public disclosure page.
--
-- A case answered (completed or refused) keeps the day of its answer in the controller's time zone
-- and the calendar days it took, so that "on time" (answered_on <= answer_due_on) and "days to
-- answer" are plain column reads. Existing answered cases are filled in by the application after
-- this migration (models.backfillAnswered), which knows the controllers' time zones on both
-- databases.
--
-- Closed cases never change again, so their figures are added once to two rollups keyed by the
-- month of receipt (models.RollUp, a periodic job) and the case is marked stats_rolled. The
-- dashboard reads the rollups plus the cases not yet in them (the active ones and the few closed
-- since the last run), so it stays exact while reading thousands of rows instead of a million.

-- +goose Up
ALTER TABLE cases ADD COLUMN answered_on DATE;
ALTER TABLE cases ADD COLUMN days_taken INTEGER;
ALTER TABLE cases ADD COLUMN stats_rolled BOOLEAN NOT NULL DEFAULT FALSE;
-- The case's kinds as bits (dsr.Kind.Bit), written at filing: figures per kind without a join.
ALTER TABLE cases ADD COLUMN kind_mask INTEGER NOT NULL DEFAULT 0;
UPDATE cases SET kind_mask = COALESCE((SELECT SUM(CASE k.kind
    WHEN 'access' THEN 1 WHEN 'rectification' THEN 2 WHEN 'erasure' THEN 4 WHEN 'restriction' THEN 8
    WHEN 'portability' THEN 16 WHEN 'objection' THEN 32 WHEN 'consent_withdrawal' THEN 64 ELSE 0 END)
    FROM case_kinds k WHERE k.case_id = cases.id), 0);
-- The cases not in the rollups: the active ones and those closed since the last run. It carries
-- what the dashboard reads of them, so that reading is an index-only scan where pages are visible.
CREATE INDEX cases_live ON cases (controller_id, received_on)
    WHERE NOT stats_rolled AND status IN ('open', 'in_progress', 'awaiting_requester', 'completed', 'refused', 'withdrawn');
-- Answers in a window (the dashboard's period, "answered this month"), with what is counted of them.
CREATE INDEX cases_controller_answered ON cases (controller_id, answered_on)
    WHERE answered_on IS NOT NULL;

-- A controller may withhold /transparency/{controller}; published by default.
ALTER TABLE controllers ADD COLUMN transparency_off BOOLEAN NOT NULL DEFAULT FALSE;

-- Closed cases by controller, site, kind ('' for the case as a whole, so totals never count a
-- case twice) and month of receipt (its first day).
CREATE TABLE case_stats (
    controller_id INTEGER NOT NULL REFERENCES controllers (id),
    site_id       INTEGER NOT NULL REFERENCES sites (id),
    kind          TEXT NOT NULL,
    month         DATE NOT NULL,
    received      INTEGER NOT NULL DEFAULT 0,
    on_time       INTEGER NOT NULL DEFAULT 0,
    late          INTEGER NOT NULL DEFAULT 0,
    extended      INTEGER NOT NULL DEFAULT 0,
    refused       INTEGER NOT NULL DEFAULT 0,
    withdrawn     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (controller_id, month, site_id, kind)
);
-- Answered cases by the same keys and the days they took: medians and percentiles, exactly.
CREATE TABLE case_stats_days (
    controller_id INTEGER NOT NULL REFERENCES controllers (id),
    site_id       INTEGER NOT NULL REFERENCES sites (id),
    kind          TEXT NOT NULL,
    month         DATE NOT NULL,
    days          INTEGER NOT NULL,
    answered      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (controller_id, month, site_id, kind, days)
);

-- +goose Down
DROP TABLE case_stats_days;
DROP TABLE case_stats;
ALTER TABLE controllers DROP COLUMN transparency_off;
DROP INDEX cases_controller_answered;
DROP INDEX cases_live;
ALTER TABLE cases DROP COLUMN kind_mask;
ALTER TABLE cases DROP COLUMN stats_rolled;
ALTER TABLE cases DROP COLUMN days_taken;
ALTER TABLE cases DROP COLUMN answered_on;
