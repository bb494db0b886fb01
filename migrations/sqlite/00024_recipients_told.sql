-- Art. 19: a rectification, erasure or restriction carried out is communicated to each recipient
-- to whom the data was disclosed, unless this proves impossible or involves disproportionate
-- effort; the requester is told who the recipients are if they ask (recipients_wanted, ticked on
-- the request form). The recipients are the third-party providers of the site's cookies; each
-- line records one, told on a date or not told with the reason.
--
-- Art. 18(3): the requester who obtained a restriction is informed before it is lifted; the
-- notice is recorded once per case, with the date of the lifting and the reasons.

-- +goose Up
ALTER TABLE cases ADD COLUMN recipients_wanted BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE case_recipients_told (
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    provider    TEXT NOT NULL,
    told_on     TEXT,
    not_told    TEXT NOT NULL DEFAULT '' CHECK (not_told IN ('', 'impossible', 'disproportionate')),
    reason      TEXT NOT NULL DEFAULT '',
    recorded_by INTEGER REFERENCES users (id),
    recorded_at DATETIME NOT NULL,
    PRIMARY KEY (case_id, provider),
    -- told on a date, or not told with the reason
    CHECK ((told_on IS NOT NULL AND not_told = '') OR (told_on IS NULL AND not_told <> '' AND reason <> ''))
);

CREATE TABLE case_restriction_liftings (
    case_id     INTEGER PRIMARY KEY REFERENCES cases (id),
    lifts_on    TEXT NOT NULL,
    reasons     TEXT NOT NULL,
    notified_by INTEGER REFERENCES users (id),
    notified_at DATETIME NOT NULL
);

-- +goose Down
DROP TABLE case_restriction_liftings;
DROP TABLE case_recipients_told;
ALTER TABLE cases DROP COLUMN recipients_wanted;
