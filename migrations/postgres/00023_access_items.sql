-- Art. 15: an answer to the right of access tells the requester, besides the copy of the data, the
-- purposes, categories, recipients, retention, their other rights, the right to complain, the
-- source, any automated decision (15(1)(a)–(h)) and, for recipients outside the EU/EEA, the
-- safeguards of the transfer (15(2)). Staff answer item by item; the answer is kept per case.
--
-- providers records, per site, where each third-party provider of its cookies processes the data
-- (ISO 3166 country, '' when not recorded) and, outside the EU/EEA, the safeguard of the transfer:
-- an adequacy decision, the EU–US Data Privacy Framework, standard contractual clauses, binding
-- corporate rules, or another one in words.

-- +goose Up
CREATE TABLE providers (
    site_id        BIGINT NOT NULL REFERENCES sites (id),
    name           TEXT NOT NULL,
    country        TEXT NOT NULL DEFAULT '',
    safeguard      TEXT NOT NULL DEFAULT '' CHECK (safeguard IN ('', 'adequacy', 'dpf', 'scc', 'bcr', 'other')),
    safeguard_text TEXT NOT NULL DEFAULT '',
    updated_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (site_id, name),
    -- a safeguard is for a country, and "other" is said in words
    CHECK (safeguard = '' OR country <> ''),
    CHECK (safeguard <> 'other' OR safeguard_text <> '')
);

CREATE TABLE case_access_items (
    case_id BIGINT NOT NULL REFERENCES cases (id),
    item    TEXT NOT NULL CHECK (item IN ('purposes', 'categories', 'recipients', 'retention', 'rights',
                                          'complaint', 'source', 'automated', 'transfers')),
    text    TEXT NOT NULL CHECK (text <> ''),
    PRIMARY KEY (case_id, item)
);

-- +goose Down
DROP TABLE case_access_items;
DROP TABLE providers;
