-- Cookie catalogues that admins manage, identifiers that sites vouch for, and consent withdrawal
-- that takes effect.
--
-- A site links its visitors to the portal with their identifiers in a token signed with one of
-- its secrets (sitetoken); several secrets live at once so that a site can rotate without a moment
-- where its links fail. It reads withdrawals back through the API with its own keys (stored
-- hashed) and is told of each one by a signed webhook, retried through the job queue.

-- +goose Up
-- The page where the third-party provider lets a visitor opt out of its cookies.
ALTER TABLE cookies ADD COLUMN opt_out_url TEXT NOT NULL DEFAULT '';

CREATE TABLE site_secrets (
    id         BIGSERIAL PRIMARY KEY,
    site_id    BIGINT NOT NULL REFERENCES sites (id),
    key_id     TEXT NOT NULL UNIQUE, -- named in each token, so the right secret checks it
    secret     TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    retired_at TIMESTAMPTZ
);
CREATE INDEX site_secrets_site ON site_secrets (site_id);

CREATE TABLE site_api_keys (
    id           BIGSERIAL PRIMARY KEY,
    site_id      BIGINT NOT NULL REFERENCES sites (id),
    label        TEXT NOT NULL DEFAULT '',
    prefix       TEXT NOT NULL UNIQUE, -- the key's first characters, to recognise it in lists
    key_hash     TEXT NOT NULL UNIQUE, -- SHA-256 of the key: the key itself is shown once
    created_at   TIMESTAMPTZ NOT NULL,
    revoked_at   TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ
);
CREATE INDEX site_api_keys_site ON site_api_keys (site_id);

ALTER TABLE sites ADD COLUMN webhook_url TEXT NOT NULL DEFAULT '';
ALTER TABLE sites ADD COLUMN webhook_secret TEXT NOT NULL DEFAULT '';

-- A withdrawal of consent (Art. 7(3)), for some categories or all, against the identifiers the
-- visitor proved. Append-only like events.
CREATE TABLE consent_withdrawals (
    id           BIGSERIAL PRIMARY KEY,
    site_id      BIGINT NOT NULL REFERENCES sites (id),
    receipt      TEXT NOT NULL UNIQUE,
    scope        TEXT NOT NULL CHECK (scope IN ('all', 'categories')),
    categories   TEXT NOT NULL, -- comma-separated, in the catalogue's order; never "necessary"
    language     TEXT NOT NULL,
    email        TEXT NOT NULL DEFAULT '', -- where the confirmation went, if the visitor gave one
    withdrawn_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX consent_withdrawals_site ON consent_withdrawals (site_id, withdrawn_at);

CREATE TABLE consent_identifiers (
    id            BIGSERIAL PRIMARY KEY,
    withdrawal_id BIGINT NOT NULL REFERENCES consent_withdrawals (id),
    site_id       BIGINT NOT NULL REFERENCES sites (id),
    cookie_name   TEXT NOT NULL,
    value         TEXT NOT NULL,
    provenance    TEXT NOT NULL CHECK (provenance IN ('browser', 'signed', 'typed'))
);
CREATE INDEX consent_identifiers_lookup ON consent_identifiers (site_id, value);
CREATE INDEX consent_identifiers_withdrawal ON consent_identifiers (withdrawal_id);

-- One webhook call per withdrawal, worked by the job queue until the site acknowledges it.
CREATE TABLE webhook_deliveries (
    id            BIGSERIAL PRIMARY KEY,
    site_id       BIGINT NOT NULL REFERENCES sites (id),
    withdrawal_id BIGINT NOT NULL REFERENCES consent_withdrawals (id),
    url           TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_status   INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT '',
    delivered_at  TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_deliveries_site ON webhook_deliveries (site_id, id);

-- The confirmation letter of a withdrawal has no case.
ALTER TABLE letters ADD COLUMN withdrawal_id BIGINT REFERENCES consent_withdrawals (id);

-- +goose Down
ALTER TABLE letters DROP COLUMN withdrawal_id;
DROP TABLE webhook_deliveries;
DROP TABLE consent_identifiers;
DROP TABLE consent_withdrawals;
ALTER TABLE sites DROP COLUMN webhook_secret;
ALTER TABLE sites DROP COLUMN webhook_url;
DROP TABLE site_api_keys;
DROP TABLE site_secrets;
ALTER TABLE cookies DROP COLUMN opt_out_url;
