-- The second stage of retention (issue 17): how many years after a case closed its record — what
-- is left once its personal data is erased: reference, rights, dates, outcomes, letters' kinds —
-- is deleted too; 0 keeps it for good. Its events stay, as links of the audit chain: their
-- case_id then names no row.

-- +goose Up
ALTER TABLE controllers ADD COLUMN keep_record_years INTEGER NOT NULL DEFAULT 10;

-- +goose Down
ALTER TABLE controllers DROP COLUMN keep_record_years;
