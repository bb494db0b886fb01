-- The dashboard's period (up to 90 days back) counts the answers given in it. Reading them from the
-- cases was an index-only scan of every answer of the period: 140,000 rows for 90 days at a million
-- cases. Answers are final (completed and refused are end states), so the rollup job adds each
-- once, in the transaction that adds the case to case_stats and marks it stats_rolled, to two
-- rollups keyed by the day of the answer: the counts per assignee (for "answered this month"), and
-- the days each answer took (the period's median and percentiles, exactly). kind is '' for the case
-- as a whole and each of its kinds, as in case_stats. The dashboard adds the answers not rolled up
-- yet, read through cases_answered_live, which holds only them.

-- +goose Up
CREATE TABLE answer_stats (
    controller_id BIGINT NOT NULL REFERENCES controllers (id),
    kind          TEXT NOT NULL,
    answered_on   DATE NOT NULL,
    site_id       BIGINT NOT NULL REFERENCES sites (id),
    assignee_id   BIGINT NOT NULL, -- 0: nobody
    answered      BIGINT NOT NULL DEFAULT 0,
    on_time       BIGINT NOT NULL DEFAULT 0,
    extended      BIGINT NOT NULL DEFAULT 0,
    refused       BIGINT NOT NULL DEFAULT 0,
    partial       BIGINT NOT NULL DEFAULT 0,
    -- The counts ride in the key's index: the dashboard's read is an index-only scan.
    PRIMARY KEY (controller_id, kind, answered_on, site_id, assignee_id) INCLUDE (answered, on_time, extended, refused, partial)
);
CREATE TABLE answer_stats_days (
    controller_id BIGINT NOT NULL REFERENCES controllers (id),
    kind          TEXT NOT NULL,
    answered_on   DATE NOT NULL,
    site_id       BIGINT NOT NULL REFERENCES sites (id),
    days          INTEGER NOT NULL,
    answered      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (controller_id, kind, answered_on, site_id, days) INCLUDE (answered)
);
CREATE INDEX cases_answered_live ON cases (controller_id, answered_on)
    INCLUDE (site_id, assignee_id, kind_mask, status, answer_due_on, days_taken, extended_due_on, answer_result)
    WHERE answered_on IS NOT NULL AND NOT stats_rolled;

-- The answers already in case_stats, as RollUp would have added them (models.rollupRows).
INSERT INTO answer_stats (controller_id, kind, answered_on, site_id, assignee_id, answered, on_time, extended, refused, partial)
SELECT c.controller_id, k.kind, c.answered_on, c.site_id, COALESCE(c.assignee_id, 0), COUNT(*),
       SUM(CASE WHEN c.answered_on <= c.answer_due_on THEN 1 ELSE 0 END),
       SUM(CASE WHEN c.extended_due_on IS NOT NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN c.status = 'refused' THEN 1 ELSE 0 END),
       SUM(CASE WHEN c.answer_result = 'partial' THEN 1 ELSE 0 END)
FROM cases c JOIN (SELECT id AS case_id, '' AS kind FROM cases WHERE stats_rolled AND answered_on IS NOT NULL
                   UNION ALL SELECT case_id, kind FROM case_kinds) k ON k.case_id = c.id
WHERE c.stats_rolled AND c.answered_on IS NOT NULL
GROUP BY c.controller_id, k.kind, c.answered_on, c.site_id, COALESCE(c.assignee_id, 0);
INSERT INTO answer_stats_days (controller_id, kind, answered_on, site_id, days, answered)
SELECT c.controller_id, k.kind, c.answered_on, c.site_id, c.days_taken, COUNT(*)
FROM cases c JOIN (SELECT id AS case_id, '' AS kind FROM cases WHERE stats_rolled AND answered_on IS NOT NULL
                   UNION ALL SELECT case_id, kind FROM case_kinds) k ON k.case_id = c.id
WHERE c.stats_rolled AND c.answered_on IS NOT NULL AND c.days_taken IS NOT NULL
GROUP BY c.controller_id, k.kind, c.answered_on, c.site_id, c.days_taken;
ANALYZE answer_stats;
ANALYZE answer_stats_days;

-- +goose Down
DROP INDEX cases_answered_live;
DROP TABLE answer_stats_days;
DROP TABLE answer_stats;
