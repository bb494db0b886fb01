-- Setting up a real controller: sites that can be retired (they leave the public pages, their cases
-- stay), more than one domain per site, the languages a site is published in, the policy version as
-- a date, and each controller's logo.
--
-- The policy version was free text ("01 octobre 2024"). Until now sites could only come from the
-- demo loader, so the values to convert are its own: an ISO date, or a day, a month named in French,
-- Dutch, English or German and a year. Anything else stops the migration (the CHECK below names
-- the problem), so that nothing is dropped without a person seeing it.

-- +goose Up
ALTER TABLE sites ADD COLUMN retired_at DATETIME;
-- Further domains of the site, one per line, besides its main domain.
ALTER TABLE sites ADD COLUMN other_domains TEXT NOT NULL DEFAULT '';
-- The languages the site is published in (comma-separated, e.g. "fr,nl").
ALTER TABLE sites ADD COLUMN languages TEXT NOT NULL DEFAULT '';
UPDATE sites SET languages = policy_language;

ALTER TABLE sites ADD COLUMN policy_date DATE;
UPDATE sites SET policy_date = trim(policy_version)
    WHERE trim(policy_version) GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
      AND date(trim(policy_version)) = trim(policy_version);
WITH months (name, num) AS (VALUES
    ('janvier', 1), ('février', 2), ('fevrier', 2), ('mars', 3), ('avril', 4), ('mai', 5), ('juin', 6),
    ('juillet', 7), ('août', 8), ('aout', 8), ('septembre', 9), ('octobre', 10), ('novembre', 11),
    ('décembre', 12), ('decembre', 12),
    ('januari', 1), ('februari', 2), ('maart', 3), ('april', 4), ('mei', 5), ('juni', 6), ('juli', 7),
    ('augustus', 8), ('september', 9), ('oktober', 10), ('november', 11), ('december', 12),
    ('january', 1), ('february', 2), ('march', 3), ('may', 5), ('june', 6), ('july', 7), ('august', 8),
    ('october', 10),
    ('januar', 1), ('jänner', 1), ('februar', 2), ('märz', 3), ('dezember', 12)),
t AS (SELECT id, lower(trim(replace(replace(policy_version, '  ', ' '), '  ', ' '))) AS v
      FROM sites WHERE policy_date IS NULL AND trim(policy_version) <> ''),
a AS (SELECT id, substr(v, 1, instr(v, ' ') - 1) AS dtok, substr(v, instr(v, ' ') + 1) AS rest
      FROM t WHERE instr(v, ' ') > 0),
b AS (SELECT id, replace(replace(dtok, 'er', ''), '.', '') AS d, substr(rest, 1, instr(rest, ' ') - 1) AS mon,
             substr(rest, instr(rest, ' ') + 1) AS y
      FROM a WHERE instr(rest, ' ') > 0),
c AS (SELECT b.id, printf('%04d-%02d-%02d', CAST(b.y AS INTEGER), m.num, CAST(b.d AS INTEGER)) AS iso
      FROM b JOIN months m ON m.name = b.mon
      WHERE (b.d GLOB '[0-9]' OR b.d GLOB '[0-9][0-9]') AND b.y GLOB '[0-9][0-9][0-9][0-9]')
UPDATE sites SET policy_date = c.iso FROM c WHERE sites.id = c.id AND date(c.iso) = c.iso;
CREATE TEMP TABLE policy_version_check (
    site TEXT,
    CONSTRAINT "the policy version of a site is not a date (YYYY-MM-DD, or a day, month and year such as 1 octobre 2024): correct it in the sites table, then migrate again"
        CHECK (site IS NULL)
);
INSERT INTO policy_version_check SELECT slug FROM sites WHERE policy_date IS NULL AND trim(policy_version) <> '';
DROP TABLE policy_version_check;
ALTER TABLE sites DROP COLUMN policy_version;
ALTER TABLE sites RENAME COLUMN policy_date TO policy_version;

-- A controller's logo, shown on its public pages and letters. Only raster images the portal decoded
-- (PNG, JPEG, WebP) are kept; logo_sha256 on the controller names the current one ('' for none)
-- and versions its public URL.
CREATE TABLE controller_logos (
    controller_id INTEGER PRIMARY KEY REFERENCES controllers (id),
    content_type  TEXT NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp')),
    data          BLOB NOT NULL,
    sha256        TEXT NOT NULL,
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    updated_at    DATETIME NOT NULL
);
ALTER TABLE controllers ADD COLUMN logo_sha256 TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE controllers DROP COLUMN logo_sha256;
DROP TABLE controller_logos;
ALTER TABLE sites RENAME COLUMN policy_version TO policy_date;
ALTER TABLE sites ADD COLUMN policy_version TEXT NOT NULL DEFAULT '';
UPDATE sites SET policy_version = COALESCE(policy_date, '');
ALTER TABLE sites DROP COLUMN policy_date;
ALTER TABLE sites DROP COLUMN languages;
ALTER TABLE sites DROP COLUMN other_domains;
ALTER TABLE sites DROP COLUMN retired_at;
