-- A cookie's lifetime is data, not words (issue 13): the policy's "Persistant", "1 Heure" or "365"
-- becomes a kind (session, persistent, duration) and, for a duration, an amount of a unit, which
-- the pages write in the reader's language (package lifetime). The published text stays beside
-- it in lifetime_text; a lifetime not read (kind '') is shown as that text.
--
-- Existing rows are read where SQL can: the session and persistent words, and "N unit" in the four
-- languages. The rest (a bare "365", words Rightsdesk does not know) keep kind '' and their text:
-- an admin states them on the catalogue page, or an import of the catalogue does.

-- +goose Up
ALTER TABLE cookies RENAME COLUMN lifetime TO lifetime_text;
ALTER TABLE cookies ADD COLUMN lifetime_kind TEXT NOT NULL DEFAULT ''
    CHECK (lifetime_kind IN ('', 'session', 'persistent', 'duration'));
ALTER TABLE cookies ADD COLUMN lifetime_amount INTEGER NOT NULL DEFAULT 0
    CHECK (lifetime_amount BETWEEN 0 AND 99999);
-- A duration has an amount and a unit; the other kinds have neither.
ALTER TABLE cookies ADD COLUMN lifetime_unit TEXT NOT NULL DEFAULT ''
    CHECK (lifetime_unit IN ('', 'minute', 'hour', 'day', 'week', 'month', 'year')
        AND CASE WHEN lifetime_kind = 'duration' THEN lifetime_amount > 0 AND lifetime_unit <> ''
            ELSE lifetime_amount = 0 AND lifetime_unit = '' END);

CREATE TEMPORARY TABLE lifetime_words (word TEXT PRIMARY KEY, kind TEXT NOT NULL, unit TEXT NOT NULL);
INSERT INTO lifetime_words (word, kind, unit) VALUES
    ('session', 'session', ''), ('de session', 'session', ''), ('sessie', 'session', ''), ('sitzung', 'session', ''),
    ('persistant', 'persistent', ''), ('persistante', 'persistent', ''), ('persistent', 'persistent', ''),
    ('permanent', 'persistent', ''), ('jamais', 'persistent', ''), ('nooit', 'persistent', ''),
    ('never', 'persistent', ''), ('dauerhaft', 'persistent', ''), ('niemals', 'persistent', ''),
    ('minute', 'duration', 'minute'), ('minutes', 'duration', 'minute'), ('minuut', 'duration', 'minute'),
    ('minuten', 'duration', 'minute'), ('min', 'duration', 'minute'),
    ('heure', 'duration', 'hour'), ('heures', 'duration', 'hour'), ('uur', 'duration', 'hour'), ('uren', 'duration', 'hour'),
    ('hour', 'duration', 'hour'), ('hours', 'duration', 'hour'), ('stunde', 'duration', 'hour'), ('stunden', 'duration', 'hour'),
    ('jour', 'duration', 'day'), ('jours', 'duration', 'day'), ('dag', 'duration', 'day'), ('dagen', 'duration', 'day'),
    ('day', 'duration', 'day'), ('days', 'duration', 'day'), ('tag', 'duration', 'day'), ('tage', 'duration', 'day'),
    ('tagen', 'duration', 'day'),
    ('semaine', 'duration', 'week'), ('semaines', 'duration', 'week'), ('week', 'duration', 'week'), ('weken', 'duration', 'week'),
    ('weeks', 'duration', 'week'), ('woche', 'duration', 'week'), ('wochen', 'duration', 'week'),
    ('mois', 'duration', 'month'), ('maand', 'duration', 'month'), ('maanden', 'duration', 'month'), ('month', 'duration', 'month'),
    ('months', 'duration', 'month'), ('monat', 'duration', 'month'), ('monate', 'duration', 'month'), ('monaten', 'duration', 'month'),
    ('an', 'duration', 'year'), ('ans', 'duration', 'year'), ('année', 'duration', 'year'), ('années', 'duration', 'year'),
    ('jaar', 'duration', 'year'), ('jaren', 'duration', 'year'), ('year', 'duration', 'year'), ('years', 'duration', 'year'),
    ('jahr', 'duration', 'year'), ('jahre', 'duration', 'year'), ('jahren', 'duration', 'year');

UPDATE cookies SET lifetime_kind = w.kind
FROM lifetime_words w
WHERE w.kind <> 'duration' AND lower(trim(cookies.lifetime_text)) = w.word;

-- "N unit": the text ends with a unit's word and what comes before it is a whole number.
UPDATE cookies SET lifetime_kind = 'duration', lifetime_amount = CAST(r.n AS INTEGER), lifetime_unit = r.unit
FROM (
    SELECT c.id, trim(substr(lower(trim(c.lifetime_text)), 1, length(trim(c.lifetime_text)) - length(w.word))) AS n, w.unit
    FROM cookies c JOIN lifetime_words w ON w.kind = 'duration' AND lower(trim(c.lifetime_text)) LIKE '%' || w.word
) r
WHERE cookies.id = r.id AND r.n <> '' AND r.n NOT GLOB '*[^0-9]*' AND length(r.n) <= 5 AND CAST(r.n AS INTEGER) >= 1;

DROP TABLE lifetime_words;

-- +goose Down
-- A lifetime stated without published text gets its English words back.
UPDATE cookies SET lifetime_text = CASE lifetime_kind
    WHEN 'session' THEN 'Session'
    WHEN 'persistent' THEN 'Persistent'
    ELSE lifetime_amount || ' ' || lifetime_unit || CASE WHEN lifetime_amount > 1 THEN 's' ELSE '' END
END
WHERE lifetime_text = '' AND lifetime_kind <> '';
ALTER TABLE cookies DROP COLUMN lifetime_unit;
ALTER TABLE cookies DROP COLUMN lifetime_amount;
ALTER TABLE cookies DROP COLUMN lifetime_kind;
ALTER TABLE cookies RENAME COLUMN lifetime_text TO lifetime;
