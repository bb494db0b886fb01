-- Setting up a real controller: sites that can be retired (they leave the public pages, their cases
-- stay), more than one domain per site, the languages a site is published in, the policy version as
-- a date, and each controller's logo.
--
-- The policy version was free text ("01 octobre 2024"). Until now sites could only come from the
-- demo loader, so the values to convert are its own: an ISO date, or a day, a month named in French,
-- Dutch, English or German and a year. Anything else stops the migration with the site named, so
-- that nothing is dropped without a person seeing it.

-- +goose Up
ALTER TABLE sites ADD COLUMN retired_at TIMESTAMPTZ;
-- Further domains of the site, one per line, besides its main domain.
ALTER TABLE sites ADD COLUMN other_domains TEXT NOT NULL DEFAULT '';
-- The languages the site is published in (comma-separated, e.g. "fr,nl").
ALTER TABLE sites ADD COLUMN languages TEXT NOT NULL DEFAULT '';
UPDATE sites SET languages = policy_language;

ALTER TABLE sites ADD COLUMN policy_date DATE;
UPDATE sites SET policy_date = CAST(btrim(policy_version) AS DATE)
    WHERE btrim(policy_version) ~ '^\d{4}-\d{2}-\d{2}$';
WITH months (name, num) AS (VALUES
    ('janvier', 1), ('février', 2), ('fevrier', 2), ('mars', 3), ('avril', 4), ('mai', 5), ('juin', 6),
    ('juillet', 7), ('août', 8), ('aout', 8), ('septembre', 9), ('octobre', 10), ('novembre', 11),
    ('décembre', 12), ('decembre', 12),
    ('januari', 1), ('februari', 2), ('maart', 3), ('april', 4), ('mei', 5), ('juni', 6), ('juli', 7),
    ('augustus', 8), ('september', 9), ('oktober', 10), ('november', 11), ('december', 12),
    ('january', 1), ('february', 2), ('march', 3), ('may', 5), ('june', 6), ('july', 7), ('august', 8),
    ('october', 10),
    ('januar', 1), ('jänner', 1), ('februar', 2), ('märz', 3), ('dezember', 12)),
parsed AS (
    SELECT id, (r)[1]::int AS d, (r)[2] AS mon, (r)[3]::int AS y
    FROM (SELECT id, regexp_match(lower(btrim(policy_version)), '^(\d{1,2})(?:\.|er)?\s+(\S+)\s+(\d{4})$') AS r
          FROM sites WHERE policy_date IS NULL) x
    WHERE r IS NOT NULL)
UPDATE sites SET policy_date = make_date(p.y, m.num, p.d)
    FROM parsed p JOIN months m ON m.name = p.mon
    WHERE sites.id = p.id;
-- +goose StatementBegin
DO $$
DECLARE bad TEXT;
BEGIN
    SELECT string_agg(slug || ' ("' || policy_version || '")', ', ') INTO bad
        FROM sites WHERE policy_date IS NULL AND btrim(policy_version) <> '';
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'the policy version of site(s) % is not a date (YYYY-MM-DD, or a day, month and year such as 1 octobre 2024): correct it in the sites table, then migrate again', bad;
    END IF;
END $$;
-- +goose StatementEnd
ALTER TABLE sites DROP COLUMN policy_version;
ALTER TABLE sites RENAME COLUMN policy_date TO policy_version;

-- A controller's logo, shown on its public pages and letters. Only raster images the portal decoded
-- (PNG, JPEG, WebP) are kept; logo_sha256 on the controller names the current one ('' for none)
-- and versions its public URL.
CREATE TABLE controller_logos (
    controller_id BIGINT PRIMARY KEY REFERENCES controllers (id),
    content_type  TEXT NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp')),
    data          BYTEA NOT NULL,
    sha256        TEXT NOT NULL,
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
ALTER TABLE controllers ADD COLUMN logo_sha256 TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE controllers DROP COLUMN logo_sha256;
DROP TABLE controller_logos;
ALTER TABLE sites RENAME COLUMN policy_version TO policy_date;
ALTER TABLE sites ADD COLUMN policy_version TEXT NOT NULL DEFAULT '';
UPDATE sites SET policy_version = COALESCE(to_char(policy_date, 'YYYY-MM-DD'), '');
ALTER TABLE sites DROP COLUMN policy_date;
ALTER TABLE sites DROP COLUMN languages;
ALTER TABLE sites DROP COLUMN other_domains;
ALTER TABLE sites DROP COLUMN retired_at;
