-- 0005_catalog_maintenance.sql: what maintaining a catalog with SQL needs
-- (issue 14): exchange rates, dates that mean something, GPU counts as
-- ranges, names that could mean several GPUs, and views that make the
-- common reviews one query.
--
-- 1. exchange_rate: what one unit of a currency is worth in another, as an
--    exact fixed-point integer (rate_e9 = rate x 10^9, GSZ_FX_SCALE). A
--    price in EUR is converted into the quote currency instead of leaving
--    its item without a price; a pricing overlay's fx overrides the table.
-- 2. Dates: a price, stock or exchange-rate row dated after today is not
--    in force until its day. price_current and stock_available now say so
--    (today in UTC, date('now')); gpusizer itself applies the same rule
--    with the day its caller gives (GPUSIZER_TODAY in the program).
-- 3. server_gpu ranges: gpu_count_max and gpu_count_step let one row allow
--    1..18 (one row instead of eighteen) or 4 and 8 (step 4). A row
--    without gpu_count_max is the single count it always was. The view
--    server_gpu_count lists every allowed count; gpusizer expands ranges
--    the same way when it loads the catalog.
-- 4. gpu_alias_ambiguous: a name that could mean several GPUs ('RTX-6000',
--    'GB300') is refused with its candidates instead of guessed. Files
--    written by gpusizer 0.1.x mapped those two names to one GPU each; the
--    data fix below turns them into ambiguous names (only where a file
--    still holds exactly what 0.1.x shipped).
-- 5. Views for people who edit: price_history, exchange_rate_current,
--    review_gpu_without_server, review_server_without_price,
--    review_price_stale, review_future_row; and catalog_issue_maintenance,
--    the new sanity rules db check reports (it reads every view whose name
--    starts with catalog_issue).
--
-- Checklist when these change: src/catalog/load.c reads exchange_rate,
-- gpu_alias_ambiguous and the server_gpu ranges by column name and applies
-- the date rule of price_current, stock_available and
-- exchange_rate_current with its own "today" (keep the two in step);
-- src/catalog/check.c applies review_price_stale and review_future_row
-- with db check's today and age; src/catalog/import.c names the
-- catalog_issue rules that only say something is still missing;
-- catalog/036_gpu_alias_ambiguous.sql holds the same ambiguous names as
-- the data fix below; catalog/README.md documents every rule.

-- 1. Exchange rates ------------------------------------------------------------

CREATE TABLE exchange_rate (
  -- What one unit of from_currency is worth in to_currency on a day. The rate
  -- is an exact fixed-point integer with 9 decimals: rate_e9 = rate x 10^9, so
  -- "1 EUR = 1.085 USD" is rate_e9 1085000000. gpusizer uses, for each pair,
  -- the row with the latest as_of that is not after today (view
  -- exchange_rate_current); a pricing overlay's fx overrides it. A row
  -- converts one way only: USD -> EUR is a row of its own.
  from_currency TEXT NOT NULL REFERENCES currency(code),
  to_currency   TEXT NOT NULL REFERENCES currency(code),
  rate_e9       INTEGER NOT NULL CHECK (rate_e9 BETWEEN 1 AND 1000000000000000), -- 1 to 10^15: rates up to 1,000,000
  as_of         TEXT NOT NULL CHECK (date(as_of, '+0 days') IS as_of),           -- YYYY-MM-DD the rate is for
  source        TEXT NOT NULL CHECK (length(source) > 0),                        -- 'ECB euro reference rate'
  PRIMARY KEY (from_currency, to_currency, as_of),
  CHECK (from_currency <> to_currency)
) STRICT;

CREATE TRIGGER exchange_rate_insert BEFORE INSERT ON exchange_rate BEGIN
  SELECT RAISE(ABORT, 'exchange_rate: unknown from_currency (see the currency table)')
   WHERE NOT EXISTS (SELECT 1 FROM currency WHERE code = NEW.from_currency);
  SELECT RAISE(ABORT, 'exchange_rate: unknown to_currency (see the currency table)')
   WHERE NOT EXISTS (SELECT 1 FROM currency WHERE code = NEW.to_currency);
  SELECT RAISE(ABORT, 'exchange_rate: source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.source GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER exchange_rate_update BEFORE UPDATE ON exchange_rate BEGIN
  SELECT RAISE(ABORT, 'exchange_rate: unknown from_currency (see the currency table)')
   WHERE NOT EXISTS (SELECT 1 FROM currency WHERE code = NEW.from_currency);
  SELECT RAISE(ABORT, 'exchange_rate: unknown to_currency (see the currency table)')
   WHERE NOT EXISTS (SELECT 1 FROM currency WHERE code = NEW.to_currency);
  SELECT RAISE(ABORT, 'exchange_rate: source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.source GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER currency_delete BEFORE DELETE ON currency BEGIN
  SELECT RAISE(ABORT, 'currency: still named by price or exchange_rate rows; delete those first')
   WHERE EXISTS (SELECT 1 FROM price WHERE currency = OLD.code)
      OR EXISTS (SELECT 1 FROM exchange_rate WHERE OLD.code IN (from_currency, to_currency));
END;

CREATE VIEW exchange_rate_current AS
  -- The rate in force today (UTC) for each pair: its latest as_of not after
  -- today, with the rate as decimal text for reading.
  SELECT r.from_currency, r.to_currency, r.rate_e9,
         rtrim(rtrim(printf('%d.%09d', r.rate_e9 / 1000000000, r.rate_e9 % 1000000000), '0'), '.') AS rate,
         r.as_of, r.source
    FROM exchange_rate r
   WHERE r.as_of = (SELECT max(q.as_of) FROM exchange_rate q
                     WHERE q.from_currency = r.from_currency AND q.to_currency = r.to_currency
                       AND q.as_of <= date('now'));

-- 2. Dates -----------------------------------------------------------------------

DROP VIEW stock_available;
DROP VIEW price_current;

CREATE VIEW price_current AS
  -- The price in force for each item today (UTC): its row with the latest
  -- as_of that is not after today. A row dated later is not current until
  -- its day (review_future_row lists them); older rows are history
  -- (price_history).
  SELECT p.kind, p.sku, p.amount_minor, p.currency, p.as_of, p.source, p.basis
    FROM price p
   WHERE p.as_of = (SELECT max(q.as_of) FROM price q
                     WHERE q.kind = p.kind AND q.sku = p.sku AND q.as_of <= date('now'));

CREATE VIEW stock_available AS
  -- Stock per item summed over locations, with its current price. A row
  -- dated after today (stock on its way) counts from its day on.
  SELECT i.kind, i.sku,
         sum(i.on_hand) AS on_hand,
         sum(i.reserved) AS reserved,
         sum(i.on_hand - i.reserved) AS available,
         min(i.lead_time_days) AS lead_time_days,
         count(*) AS locations,
         pc.amount_minor AS unit_price_minor,
         pc.currency AS currency
    FROM inventory i
    LEFT JOIN price_current pc ON pc.kind = i.kind AND pc.sku = i.sku
   WHERE i.as_of IS NULL OR i.as_of <= date('now')
   GROUP BY i.kind, i.sku;

CREATE VIEW price_history AS
  -- Every price row of every item, oldest first, with what it is today:
  -- 'current' (in force), 'replaced' (by a later row) or 'future'
  -- (dated after today). gpusizer catalog prices --history SKU shows the same.
  SELECT p.kind, p.sku, p.as_of, p.amount_minor, p.currency, p.source, p.basis,
         CASE WHEN p.as_of > date('now') THEN 'future'
              WHEN p.as_of = (SELECT max(q.as_of) FROM price q
                               WHERE q.kind = p.kind AND q.sku = p.sku AND q.as_of <= date('now'))
              THEN 'current'
              ELSE 'replaced' END AS status
    FROM price p
   ORDER BY p.kind, p.sku, p.as_of;

-- 3. GPU counts as ranges -------------------------------------------------------
--
-- A row allows gpu_count, gpu_count + gpu_count_step, ... up to
-- gpu_count_max (NULL: gpu_count alone). The range must end on an allowed
-- count, fit the server, and not overlap another row of the same server
-- and GPU (each count is said once). gpu_count_max is added first:
-- gpu_count_step's CHECK names it, and ALTER TABLE checks a new column's
-- CHECK against the columns that exist when it runs.

ALTER TABLE server_gpu ADD COLUMN gpu_count_max INTEGER /* the last count of a range; NULL: gpu_count alone */
  CHECK (gpu_count_max IS NULL OR (gpu_count_max >= gpu_count AND gpu_count_max <= 1024));
ALTER TABLE server_gpu ADD COLUMN gpu_count_step INTEGER NOT NULL DEFAULT 1 /* 4 with 4..8: 4 and 8 */
  CHECK (gpu_count_step BETWEEN 1 AND 1024
         AND (gpu_count_max IS NULL OR (gpu_count_max - gpu_count) % gpu_count_step = 0));

CREATE TRIGGER server_gpu_range_insert BEFORE INSERT ON server_gpu BEGIN
  SELECT RAISE(ABORT, 'server_gpu: gpu_count_max is below gpu_count')
   WHERE NEW.gpu_count_max < NEW.gpu_count;
  SELECT RAISE(ABORT, 'server_gpu: gpu_count_step must be from 1 to 1024')
   WHERE NEW.gpu_count_step NOT BETWEEN 1 AND 1024;
  SELECT RAISE(ABORT, 'server_gpu: gpu_count_max - gpu_count is not a multiple of gpu_count_step (a range ends on a count it allows)')
   WHERE NEW.gpu_count_max IS NOT NULL AND NEW.gpu_count_step BETWEEN 1 AND 1024
     AND (NEW.gpu_count_max - NEW.gpu_count) % NEW.gpu_count_step <> 0;
  SELECT RAISE(ABORT, 'server_gpu: gpu_count_max exceeds the server max_gpus')
   WHERE NEW.gpu_count_max > (SELECT max_gpus FROM server WHERE sku = NEW.server_sku);
  SELECT RAISE(ABORT, 'server_gpu: the counts overlap another row of this server and GPU (say each count once)')
   WHERE EXISTS (SELECT 1 FROM server_gpu o
                  WHERE o.server_sku = NEW.server_sku AND o.gpu_sku = NEW.gpu_sku
                    AND o.gpu_count <> NEW.gpu_count
                    AND o.gpu_count <= coalesce(NEW.gpu_count_max, NEW.gpu_count)
                    AND coalesce(o.gpu_count_max, o.gpu_count) >= NEW.gpu_count);
END;

CREATE TRIGGER server_gpu_range_update BEFORE UPDATE ON server_gpu BEGIN
  SELECT RAISE(ABORT, 'server_gpu: gpu_count_max is below gpu_count')
   WHERE NEW.gpu_count_max < NEW.gpu_count;
  SELECT RAISE(ABORT, 'server_gpu: gpu_count_step must be from 1 to 1024')
   WHERE NEW.gpu_count_step NOT BETWEEN 1 AND 1024;
  SELECT RAISE(ABORT, 'server_gpu: gpu_count_max - gpu_count is not a multiple of gpu_count_step (a range ends on a count it allows)')
   WHERE NEW.gpu_count_max IS NOT NULL AND NEW.gpu_count_step BETWEEN 1 AND 1024
     AND (NEW.gpu_count_max - NEW.gpu_count) % NEW.gpu_count_step <> 0;
  SELECT RAISE(ABORT, 'server_gpu: gpu_count_max exceeds the server max_gpus')
   WHERE NEW.gpu_count_max > (SELECT max_gpus FROM server WHERE sku = NEW.server_sku);
  SELECT RAISE(ABORT, 'server_gpu: the counts overlap another row of this server and GPU (say each count once)')
   WHERE EXISTS (SELECT 1 FROM server_gpu o
                  WHERE o.server_sku = NEW.server_sku AND o.gpu_sku = NEW.gpu_sku
                    AND NOT (o.server_sku = OLD.server_sku AND o.gpu_sku = OLD.gpu_sku
                             AND o.gpu_count = OLD.gpu_count)
                    AND o.gpu_count <> NEW.gpu_count
                    AND o.gpu_count <= coalesce(NEW.gpu_count_max, NEW.gpu_count)
                    AND coalesce(o.gpu_count_max, o.gpu_count) >= NEW.gpu_count);
END;

CREATE TRIGGER server_update_range BEFORE UPDATE OF max_gpus ON server BEGIN
  SELECT RAISE(ABORT, 'server: max_gpus is below a gpu_count_max in server_gpu; change those rows first')
   WHERE EXISTS (SELECT 1 FROM server_gpu WHERE server_sku = OLD.sku AND gpu_count_max > NEW.max_gpus);
END;

CREATE VIEW server_gpu_count AS
  -- Every GPU count each server accepts for each GPU: one row per count,
  -- ranges expanded (what gpusizer searches).
  WITH RECURSIVE c(server_sku, gpu_sku, gpu_count, last, step, source) AS (
    SELECT server_sku, gpu_sku, gpu_count, min(coalesce(gpu_count_max, gpu_count), 1024),
           gpu_count_step, source
      FROM server_gpu
    UNION ALL
    SELECT server_sku, gpu_sku, gpu_count + step, last, step, source
      FROM c WHERE step >= 1 AND gpu_count + step <= last
  )
  SELECT server_sku, gpu_sku, gpu_count, source FROM c;

DROP VIEW server_gpu_power;

CREATE VIEW server_gpu_power AS
  -- Every allowed GPU count (ranges expanded) with the power it draws
  -- against what the PSUs deliver.
  SELECT sg.server_sku, sg.gpu_sku, sg.gpu_count,
         sg.gpu_count * g.tdp_w + s.base_w AS draw_w,
         s.psu_w,
         (sg.gpu_count * g.tdp_w + s.base_w <= s.psu_w) AS power_ok
    FROM server_gpu_count sg
    JOIN gpu g ON g.sku = sg.gpu_sku
    JOIN server s ON s.sku = sg.server_sku;

-- 4. Names that could mean several GPUs -------------------------------------------

CREATE TABLE gpu_alias_ambiguous (
  -- A name a user may type that could mean several GPUs: 'RTX-6000' is the
  -- Turing Quadro RTX 6000, the RTX 6000 Ada or, loosely, the RTX PRO 6000
  -- Blackwell. A request naming it is refused with every candidate listed
  -- rather than guessed. One row per name and candidate; a name here is
  -- neither a gpu_alias nor a GPU SKU. Case is ignored.
  alias      TEXT NOT NULL COLLATE NOCASE CHECK (length(alias) BETWEEN 1 AND 64),
  candidate  TEXT NOT NULL COLLATE NOCASE
             CHECK (length(candidate) BETWEEN 1 AND 64 AND candidate NOT GLOB '*[^A-Za-z0-9._+-]*'),
             -- a gpu.sku, or (in_catalog = 0) a product this catalog does not hold
  in_catalog INTEGER NOT NULL DEFAULT 1 CHECK (in_catalog IN (0, 1)), -- 1: candidate is a gpu.sku
  note       TEXT,                                                     -- how to tell them apart: 'Turing, 24 GB, 2018'
  PRIMARY KEY (alias, candidate),
  CHECK (in_catalog = 1 OR note IS NOT NULL)                           -- a product not in the catalog needs a note
) STRICT, WITHOUT ROWID;

-- The data fix for files of gpusizer 0.1.x, before the triggers below
-- (which refuse a name that is an alias and ambiguous at once). Only a
-- file that still maps the name exactly as 0.1.x shipped it is changed.
-- Checklist: catalog/036_gpu_alias_ambiguous.sql holds the same rows for
-- the built-in catalog.
INSERT INTO gpu_alias_ambiguous (alias, candidate, in_catalog, note)
  SELECT 'RTX-6000', 'RTX-6000-ADA', 1, 'RTX 6000 Ada Generation: 48 GB GDDR6, 2022'
   WHERE EXISTS (SELECT 1 FROM gpu_alias WHERE alias = 'RTX-6000' AND gpu_sku = 'RTX-6000-ADA')
  UNION ALL
  SELECT 'RTX-6000', 'RTX-PRO-6000-BW', 1, 'RTX PRO 6000 Blackwell: 96 GB GDDR7, 2025 (sold as "RTX 6000 Pro")'
   WHERE EXISTS (SELECT 1 FROM gpu_alias WHERE alias = 'RTX-6000' AND gpu_sku = 'RTX-6000-ADA')
     AND EXISTS (SELECT 1 FROM gpu WHERE sku = 'RTX-PRO-6000-BW')
  UNION ALL
  SELECT 'RTX-6000', 'QUADRO-RTX-6000', 0, 'Quadro RTX 6000 (Turing): 24 GB GDDR6, 2018'
   WHERE EXISTS (SELECT 1 FROM gpu_alias WHERE alias = 'RTX-6000' AND gpu_sku = 'RTX-6000-ADA')
  UNION ALL
  SELECT 'GB300', 'GB300-NVL72', 0, 'the GPU of the GB300 NVL72 rack (72 GPUs, 36 Grace CPUs, liquid-cooled)'
   WHERE EXISTS (SELECT 1 FROM gpu_alias WHERE alias = 'GB300' AND gpu_sku = 'B300-SXM-288GB')
  UNION ALL
  SELECT 'GB300', 'B300-SXM-288GB', 1, 'B300 on an HGX B300 board (8 per server): a different product, not "GB300"'
   WHERE EXISTS (SELECT 1 FROM gpu_alias WHERE alias = 'GB300' AND gpu_sku = 'B300-SXM-288GB');
DELETE FROM gpu_alias
 WHERE (alias = 'RTX-6000' AND gpu_sku = 'RTX-6000-ADA')
    OR (alias = 'GB300' AND gpu_sku = 'B300-SXM-288GB');

CREATE TRIGGER gpu_alias_ambiguous_insert BEFORE INSERT ON gpu_alias_ambiguous BEGIN
  SELECT RAISE(ABORT, 'gpu_alias_ambiguous: alias is a GPU SKU; a SKU always means its GPU')
   WHERE EXISTS (SELECT 1 FROM gpu WHERE sku = NEW.alias);
  SELECT RAISE(ABORT, 'gpu_alias_ambiguous: alias is a gpu_alias row, which means one GPU; delete that row first')
   WHERE EXISTS (SELECT 1 FROM gpu_alias WHERE alias = NEW.alias);
  SELECT RAISE(ABORT, 'gpu_alias_ambiguous: unknown candidate (see the gpu table; in_catalog = 0 for a product the catalog does not hold)')
   WHERE NEW.in_catalog = 1 AND NOT EXISTS (SELECT 1 FROM gpu WHERE sku = NEW.candidate);
  SELECT RAISE(ABORT, 'gpu_alias_ambiguous: candidate is a GPU of the catalog; set in_catalog = 1')
   WHERE NEW.in_catalog = 0 AND EXISTS (SELECT 1 FROM gpu WHERE sku = NEW.candidate);
  SELECT RAISE(ABORT, 'gpu_alias_ambiguous: alias holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.alias GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'gpu_alias_ambiguous: note holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.note GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER gpu_alias_ambiguous_update BEFORE UPDATE ON gpu_alias_ambiguous BEGIN
  SELECT RAISE(ABORT, 'gpu_alias_ambiguous: alias is a GPU SKU; a SKU always means its GPU')
   WHERE EXISTS (SELECT 1 FROM gpu WHERE sku = NEW.alias);
  SELECT RAISE(ABORT, 'gpu_alias_ambiguous: alias is a gpu_alias row, which means one GPU; delete that row first')
   WHERE EXISTS (SELECT 1 FROM gpu_alias WHERE alias = NEW.alias);
  SELECT RAISE(ABORT, 'gpu_alias_ambiguous: unknown candidate (see the gpu table; in_catalog = 0 for a product the catalog does not hold)')
   WHERE NEW.in_catalog = 1 AND NOT EXISTS (SELECT 1 FROM gpu WHERE sku = NEW.candidate);
  SELECT RAISE(ABORT, 'gpu_alias_ambiguous: candidate is a GPU of the catalog; set in_catalog = 1')
   WHERE NEW.in_catalog = 0 AND EXISTS (SELECT 1 FROM gpu WHERE sku = NEW.candidate);
  SELECT RAISE(ABORT, 'gpu_alias_ambiguous: alias holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.alias GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'gpu_alias_ambiguous: note holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.note GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER gpu_alias_not_ambiguous_insert BEFORE INSERT ON gpu_alias BEGIN
  SELECT RAISE(ABORT, 'gpu_alias: alias is an ambiguous name (see gpu_alias_ambiguous); delete those rows first')
   WHERE EXISTS (SELECT 1 FROM gpu_alias_ambiguous WHERE alias = NEW.alias);
END;

CREATE TRIGGER gpu_alias_not_ambiguous_update BEFORE UPDATE OF alias ON gpu_alias BEGIN
  SELECT RAISE(ABORT, 'gpu_alias: alias is an ambiguous name (see gpu_alias_ambiguous); delete those rows first')
   WHERE EXISTS (SELECT 1 FROM gpu_alias_ambiguous WHERE alias = NEW.alias);
END;

CREATE TRIGGER gpu_insert_not_ambiguous BEFORE INSERT ON gpu BEGIN
  SELECT RAISE(ABORT, 'gpu: sku is an ambiguous name in gpu_alias_ambiguous; delete those rows first')
   WHERE EXISTS (SELECT 1 FROM gpu_alias_ambiguous WHERE alias = NEW.sku);
END;

CREATE TRIGGER gpu_delete_candidate BEFORE DELETE ON gpu BEGIN
  SELECT RAISE(ABORT, 'gpu: still a candidate of an ambiguous name (gpu_alias_ambiguous); delete those rows first')
   WHERE EXISTS (SELECT 1 FROM gpu_alias_ambiguous WHERE candidate = OLD.sku AND in_catalog = 1);
END;

CREATE TRIGGER gpu_update_candidate BEFORE UPDATE OF sku ON gpu BEGIN
  SELECT RAISE(ABORT, 'gpu: sku is a candidate of an ambiguous name (gpu_alias_ambiguous); insert a new gpu and move them instead')
   WHERE NEW.sku IS NOT OLD.sku
     AND EXISTS (SELECT 1 FROM gpu_alias_ambiguous WHERE candidate = OLD.sku AND in_catalog = 1);
  SELECT RAISE(ABORT, 'gpu: sku is an ambiguous name in gpu_alias_ambiguous; delete those rows first')
   WHERE EXISTS (SELECT 1 FROM gpu_alias_ambiguous WHERE alias = NEW.sku);
END;

-- 5. Views for reviews --------------------------------------------------------------
--
-- "Today" is date('now'), the UTC date; db check applies the same rules
-- with its own day and age (gpusizer db check --max-price-age-days).

CREATE VIEW review_gpu_without_server AS
  -- GPUs no server takes: no quote can offer them (add server_gpu rows).
  SELECT g.sku, g.vendor, g.name, g.sellable
    FROM gpu g
   WHERE NOT EXISTS (SELECT 1 FROM server_gpu sg WHERE sg.gpu_sku = g.sku)
   ORDER BY g.sku;

CREATE VIEW review_server_without_price AS
  -- Servers with no price in force today (none at all, or only later ones).
  SELECT s.sku, s.vendor, s.name, s.sellable,
         (SELECT min(p.as_of) FROM price p WHERE p.kind = 'server' AND p.sku = s.sku) AS first_price_as_of
    FROM server s
   WHERE NOT EXISTS (SELECT 1 FROM price_current pc WHERE pc.kind = 'server' AND pc.sku = s.sku)
   ORDER BY s.sku;

CREATE VIEW review_price_stale AS
  -- Prices in force today that are older than 365 days (db check warns past
  -- its --max-price-age-days, 365 unless told).
  SELECT pc.kind, pc.sku, pc.as_of, pc.amount_minor, pc.currency, pc.source,
         CAST(julianday(date('now')) - julianday(pc.as_of) AS INTEGER) AS age_days
    FROM price_current pc
   WHERE julianday(date('now')) - julianday(pc.as_of) > 365
   ORDER BY age_days DESC, pc.kind, pc.sku;

CREATE VIEW review_future_row AS
  -- Rows dated after today: not in force until their day (a price change
  -- announced ahead, stock on its way, tomorrow's exchange rate).
  SELECT 'price' AS tbl, kind || '/' || sku || '/' || as_of AS key, as_of FROM price WHERE as_of > date('now')
  UNION ALL
  SELECT 'inventory', kind || '/' || sku || '/' || location, as_of FROM inventory WHERE as_of > date('now')
  UNION ALL
  SELECT 'exchange_rate', from_currency || '/' || to_currency || '/' || as_of, as_of
    FROM exchange_rate WHERE as_of > date('now')
   ORDER BY 3, 1, 2;

CREATE VIEW catalog_issue_maintenance AS
  -- The sanity rules of this migration, for db check (kind, sku, problem).
  SELECT 'price' AS kind, kind || '/' || sku || '/' || as_of AS sku,
         'amount_minor is 0: the item would be quoted free (a server whose price includes its GPUs says so with gpus_included)' AS problem
    FROM price WHERE amount_minor = 0
  UNION ALL
  SELECT 'price', p.kind || '/' || p.sku || '/' || p.as_of,
         'priced in ' || p.currency || ' with no exchange_rate row to ' || m.code
           || ' in force, the currency most prices are in: quotes cannot convert it (add an exchange_rate row)'
    FROM price_current p,
         (SELECT coalesce((SELECT currency FROM price_current GROUP BY currency
                            ORDER BY count(*) DESC, currency LIMIT 1), 'USD') AS code) m
   WHERE p.currency <> m.code
     AND NOT EXISTS (SELECT 1 FROM exchange_rate r
                      WHERE r.from_currency = p.currency AND r.to_currency = m.code
                        AND r.as_of <= date('now'))
  UNION ALL
  SELECT 'server_gpu', sg.server_sku || '/' || sg.gpu_sku || '/' || sg.gpu_count,
         'gpu_count_max ' || sg.gpu_count_max || ' exceeds the server max_gpus ' || s.max_gpus
    FROM server_gpu sg JOIN server s ON s.sku = sg.server_sku
   WHERE sg.gpu_count_max > s.max_gpus
  UNION ALL
  SELECT 'server_gpu', a.server_sku || '/' || a.gpu_sku || '/' || a.gpu_count,
         'its counts overlap the row ' || b.server_sku || '/' || b.gpu_sku || '/' || b.gpu_count
           || ' (say each count once)'
    FROM server_gpu a JOIN server_gpu b
      ON b.server_sku = a.server_sku AND b.gpu_sku = a.gpu_sku AND b.gpu_count > a.gpu_count
   WHERE b.gpu_count <= coalesce(a.gpu_count_max, a.gpu_count)
  UNION ALL
  SELECT 'gpu_alias_ambiguous', alias, 'has one candidate only: make it a gpu_alias row'
    FROM gpu_alias_ambiguous GROUP BY alias HAVING count(*) < 2
  UNION ALL
  SELECT 'gpu_alias_ambiguous', a.alias, 'is also a gpu_alias row: a name means one GPU or several, not both'
    FROM (SELECT DISTINCT alias FROM gpu_alias_ambiguous) a
   WHERE EXISTS (SELECT 1 FROM gpu_alias g WHERE g.alias = a.alias)
  UNION ALL
  SELECT 'gpu_alias_ambiguous', a.alias, 'is also a GPU SKU, which always means its GPU'
    FROM (SELECT DISTINCT alias FROM gpu_alias_ambiguous) a
   WHERE EXISTS (SELECT 1 FROM gpu g WHERE g.sku = a.alias)
  UNION ALL
  SELECT 'gpu_alias_ambiguous', alias || '/' || candidate,
         'candidate is not a GPU of the catalog (in_catalog = 1)'
    FROM gpu_alias_ambiguous a
   WHERE in_catalog = 1 AND NOT EXISTS (SELECT 1 FROM gpu g WHERE g.sku = a.candidate)
  UNION ALL
  SELECT 'gpu_alias_ambiguous', alias || '/' || candidate,
         'candidate is a GPU of the catalog: set in_catalog = 1'
    FROM gpu_alias_ambiguous a
   WHERE in_catalog = 0 AND EXISTS (SELECT 1 FROM gpu g WHERE g.sku = a.candidate)
  UNION ALL
  -- Text of the new columns written with the triggers dropped.
  SELECT 'exchange_rate', from_currency || '/' || to_currency || '/' || as_of,
         'source holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM exchange_rate WHERE source GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'gpu_alias_ambiguous', alias || '/' || candidate,
         'alias holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM gpu_alias_ambiguous WHERE alias GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'gpu_alias_ambiguous', alias || '/' || candidate,
         'note holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM gpu_alias_ambiguous WHERE note GLOB (SELECT glob FROM control_character);
