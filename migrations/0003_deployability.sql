-- 0003_deployability.sql: what a configuration needs to be built, powered,
-- cooled, networked and run in the requested number format, so that "fits"
-- means deployable: scale-out network gear as priced catalog items, the
-- number formats each GPU architecture runs, lifecycle (end of sale),
-- cooling, rack-scale systems, the power margin, catalog-wide settings and
-- caveats that every quote relying on an item repeats.
--
-- The migration runner applies this file with foreign keys off and
-- legacy_alter_table on, in one transaction, and runs foreign_key_check
-- before it commits (SQLite's procedure for changing a table's schema):
-- price and inventory are rebuilt because their kind now names network
-- gear too, and their triggers are written again.
--
-- Checklist: src/catalog/load.c reads the new columns and tables;
-- catalog_issue_deployability lists their sanity rules; catalog/README.md
-- documents them; docs/deployability.md explains the rules they feed.

-- GPUs: the architecture (which number formats run natively is per
-- architecture, table format_support) and the lifecycle.
ALTER TABLE gpu ADD COLUMN architecture TEXT
  CHECK (architecture IS NULL OR (length(architecture) BETWEEN 1 AND 32 AND architecture NOT GLOB '*[^a-z0-9_]*'));
  -- 'ampere', 'ada', 'hopper', 'blackwell', 'blackwell_rtx', 'cdna3', 'cdna4', 'gaudi2', ...
ALTER TABLE gpu ADD COLUMN lifecycle TEXT NOT NULL DEFAULT 'current'
  CHECK (lifecycle IN ('current', 'end_of_sale', 'announced'));
  -- end_of_sale: not quoted new unless asked (--allow-eol); announced: not shipping yet
ALTER TABLE gpu ADD COLUMN lifecycle_date TEXT
  CHECK (lifecycle_date IS NULL OR date(lifecycle_date, '+0 days') IS lifecycle_date);
ALTER TABLE gpu ADD COLUMN lifecycle_source TEXT;

-- Servers: lifecycle, cooling, rack-scale systems, scale-out networking
-- and the share of the power supplies a node may draw continuously.
ALTER TABLE server ADD COLUMN lifecycle TEXT NOT NULL DEFAULT 'current'
  CHECK (lifecycle IN ('current', 'end_of_sale', 'announced'));
ALTER TABLE server ADD COLUMN lifecycle_date TEXT
  CHECK (lifecycle_date IS NULL OR date(lifecycle_date, '+0 days') IS lifecycle_date);
ALTER TABLE server ADD COLUMN lifecycle_source TEXT;
ALTER TABLE server ADD COLUMN cooling TEXT NOT NULL DEFAULT 'air' CHECK (cooling IN ('air', 'liquid'));
  -- liquid: needs a facility liquid loop / CDU, which is not in the quote
ALTER TABLE server ADD COLUMN rack_scale INTEGER NOT NULL DEFAULT 0 CHECK (rack_scale IN (0, 1));
  -- 1: a rack-scale system ordered whole (GB200 NVL72): one row is one rack
ALTER TABLE server ADD COLUMN scale_out TEXT NOT NULL DEFAULT 'nic'
  CHECK (scale_out IN ('none', 'nic', 'onboard'));
  -- how nodes connect to each other: none (single node only), nic (NICs in
  -- PCIe slots: nic_sku, else the setting default_nic), onboard (the server
  -- ships with them: DGX, HGX B300); workstations are single node whatever this says
ALTER TABLE server ADD COLUMN nic_slots INTEGER CHECK (nic_slots IS NULL OR nic_slots BETWEEN 0 AND 64);
  -- scale-out NICs that fit; NULL: one per GPU
ALTER TABLE server ADD COLUMN nic_sku TEXT COLLATE NOCASE;
  -- network_item of kind nic the server takes (or ships with, when onboard); NULL: the default NIC
ALTER TABLE server ADD COLUMN psu_load_max_bp INTEGER CHECK (psu_load_max_bp IS NULL OR psu_load_max_bp BETWEEN 1 AND 10000);
  -- most of psu_w a node may draw continuously, basis points; NULL: the setting psu_load_max_bp

-- The least headroom a runtime profile accepts between the need and the
-- budget, basis points of the budget (500 = 5%): the estimate's own error.
ALTER TABLE runtime ADD COLUMN min_headroom_bp INTEGER NOT NULL DEFAULT 500
  CHECK (min_headroom_bp BETWEEN 0 AND 5000);

CREATE TABLE network_item (
  -- Scale-out network gear a multi-node quote needs: NICs, switches, and the
  -- cables and transceivers of each link. Priced and stocked like GPUs
  -- (price and inventory rows of its kind).
  sku          TEXT PRIMARY KEY COLLATE NOCASE
               CHECK (length(sku) BETWEEN 1 AND 64 AND sku NOT GLOB '*[^A-Za-z0-9._+-]*'),
  kind         TEXT NOT NULL CHECK (kind IN ('nic', 'switch', 'cable')),
  vendor       TEXT NOT NULL CHECK (length(vendor) BETWEEN 1 AND 64),
  name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
  fabric       TEXT NOT NULL CHECK (fabric IN ('infiniband_ndr', 'infiniband_xdr', 'ethernet_200g',
                                               'ethernet_400g', 'ethernet_800g')),
  port_gbps    INTEGER NOT NULL CHECK (port_gbps BETWEEN 1 AND 1600),    -- speed of one port (or link)
  ports        INTEGER NOT NULL DEFAULT 1 CHECK (ports BETWEEN 1 AND 512),
               -- nic: ports; switch: ports at port_gbps (a 64-port NDR switch: 64); cable: links it serves
  cable_role   TEXT CHECK (cable_role IS NULL OR cable_role IN ('nic_transceiver', 'switch_transceiver', 'fiber')),
               -- cables only: at the NIC end, at the switch end (a twin-port optic: ports 2), or the fiber between
  power_w      INTEGER CHECK (power_w IS NULL OR power_w >= 0),
  rack_units   INTEGER NOT NULL DEFAULT 0 CHECK (rack_units BETWEEN 0 AND 60), -- switches: height in U
  sellable     INTEGER NOT NULL DEFAULT 1 CHECK (sellable IN (0, 1)),
  verified     INTEGER NOT NULL DEFAULT 1 CHECK (verified IN (0, 1)),
  source       TEXT,
  as_of        TEXT CHECK (as_of IS NULL OR date(as_of, '+0 days') IS as_of),
  notes        TEXT,
  CHECK ((kind = 'cable') = (cable_role IS NOT NULL))
) STRICT;

CREATE TABLE setting (
  -- Catalog-wide rules with their source: the quote's defaults a maintainer may change.
  --   default_nic        network_item SKU of the NIC a rack server with scale_out 'nic' and no nic_sku takes
  --   psu_load_max_bp    most of psu_w a node may draw continuously (basis points)
  --   wall_outlet_w      most a workstation may draw from one wall outlet, continuously (W)
  --   pp_nics_per_node   scale-out NICs per node when only pipeline stages cross nodes
  --   sample_stock       1: the inventory rows are sample data, and quotes that rely on them say so
  name   TEXT PRIMARY KEY CHECK (name IN ('default_nic', 'psu_load_max_bp', 'wall_outlet_w',
                                          'pp_nics_per_node', 'sample_stock')),
  value  TEXT NOT NULL CHECK (length(value) BETWEEN 1 AND 64),
  source TEXT NOT NULL CHECK (length(source) > 0),
  as_of  TEXT CHECK (as_of IS NULL OR date(as_of, '+0 days') IS as_of)
) STRICT;

CREATE TABLE format_support (
  -- Whether a GPU architecture runs a number format in a runtime: native
  -- (tensor-core compute in that format), weight_only (stored in it,
  -- computed in 16-bit: FP8 on Ampere through weight-only kernels) or none.
  -- runtime '*' applies to every runtime without a row of its own.
  architecture TEXT NOT NULL CHECK (length(architecture) BETWEEN 1 AND 32 AND architecture NOT GLOB '*[^a-z0-9_]*'),
  format       TEXT NOT NULL COLLATE NOCASE REFERENCES number_format(name),
  runtime      TEXT NOT NULL DEFAULT '*' COLLATE NOCASE CHECK (length(runtime) BETWEEN 1 AND 32),
  support      TEXT NOT NULL CHECK (support IN ('native', 'weight_only', 'none')),
  source       TEXT NOT NULL CHECK (length(source) > 0),
  as_of        TEXT CHECK (as_of IS NULL OR date(as_of, '+0 days') IS as_of),
  notes        TEXT,
  PRIMARY KEY (architecture, format, runtime)
) STRICT, WITHOUT ROWID;

CREATE TABLE caveat (
  -- What a quote that uses an item must say: "needs a facility liquid loop
  -- (not priced)", "specifications unverified", "consumer licence". Shown as
  -- cautions in every output format.
  kind   TEXT NOT NULL CHECK (kind IN ('gpu', 'server', 'nic', 'switch', 'cable')),
  sku    TEXT NOT NULL COLLATE NOCASE,
  code   TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 32 AND code NOT GLOB '*[^A-Z0-9_]*'), -- 'LIQUID_LOOP'
  text   TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 300),
  source TEXT,
  PRIMARY KEY (kind, sku, code)
) STRICT;

-- price and inventory: kind now names network gear as well. Rebuilt (a
-- CHECK cannot be altered in place) with their rows, then their triggers
-- written again; the views that read them are unchanged.

CREATE TABLE price_new (
  -- Unit prices. The current price of an item is its row with the latest as_of
  -- (view price_current); older rows are history.
  kind         TEXT NOT NULL CHECK (kind IN ('gpu', 'server', 'nic', 'switch', 'cable')),
  sku          TEXT NOT NULL COLLATE NOCASE,                    -- gpu.sku, server.sku or network_item.sku, by kind
  amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),      -- minor units of currency: USD 2750000 = 27,500.00
  currency     TEXT NOT NULL REFERENCES currency(code),
  as_of        TEXT NOT NULL CHECK (date(as_of, '+0 days') IS as_of),      -- YYYY-MM-DD (a real date: 2024-02-30 is refused)
  source       TEXT NOT NULL CHECK (length(source) > 0),        -- who said so, where
  basis        TEXT,                                            -- 'list price', 'street price', 'estimate: ...'
  PRIMARY KEY (kind, sku, as_of)
) STRICT;
INSERT INTO price_new (kind, sku, amount_minor, currency, as_of, source, basis)
  SELECT kind, sku, amount_minor, currency, as_of, source, basis FROM price;
DROP TABLE price;
ALTER TABLE price_new RENAME TO price;

CREATE TABLE inventory_new (
  -- What is on hand, per location. Available = on_hand - reserved.
  kind           TEXT NOT NULL CHECK (kind IN ('gpu', 'server', 'nic', 'switch', 'cable')),
  sku            TEXT NOT NULL COLLATE NOCASE,
  location       TEXT NOT NULL CHECK (length(location) BETWEEN 1 AND 64),
  on_hand        INTEGER NOT NULL CHECK (on_hand >= 0),
  reserved       INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= on_hand),
  lead_time_days INTEGER NOT NULL CHECK (lead_time_days >= 0),  -- days to get more than is available
  as_of          TEXT CHECK (as_of IS NULL OR date(as_of, '+0 days') IS as_of),
  note           TEXT,
  PRIMARY KEY (kind, sku, location)
) STRICT;
INSERT INTO inventory_new (kind, sku, location, on_hand, reserved, lead_time_days, as_of, note)
  SELECT kind, sku, location, on_hand, reserved, lead_time_days, as_of, note FROM inventory;
DROP TABLE inventory;
ALTER TABLE inventory_new RENAME TO inventory;

-- Items by kind, for the triggers below: one view every table of items feeds.
CREATE VIEW item AS
  -- Every priceable item with its kind.
  SELECT 'gpu' AS kind, sku FROM gpu
  UNION ALL SELECT 'server', sku FROM server
  UNION ALL SELECT kind, sku FROM network_item;

CREATE TRIGGER price_insert BEFORE INSERT ON price BEGIN
  SELECT RAISE(ABORT, 'price: unknown item: no gpu, server or network_item of this kind has this sku')
   WHERE NOT EXISTS (SELECT 1 FROM item i WHERE i.kind = NEW.kind AND i.sku = NEW.sku);
  SELECT RAISE(ABORT, 'price: unknown currency (see the currency table)')
   WHERE NOT EXISTS (SELECT 1 FROM currency WHERE code = NEW.currency);
END;

CREATE TRIGGER price_update BEFORE UPDATE ON price BEGIN
  SELECT RAISE(ABORT, 'price: unknown item: no gpu, server or network_item of this kind has this sku')
   WHERE NOT EXISTS (SELECT 1 FROM item i WHERE i.kind = NEW.kind AND i.sku = NEW.sku);
  SELECT RAISE(ABORT, 'price: unknown currency (see the currency table)')
   WHERE NOT EXISTS (SELECT 1 FROM currency WHERE code = NEW.currency);
END;

CREATE TRIGGER inventory_insert BEFORE INSERT ON inventory BEGIN
  SELECT RAISE(ABORT, 'inventory: unknown item: no gpu, server or network_item of this kind has this sku')
   WHERE NOT EXISTS (SELECT 1 FROM item i WHERE i.kind = NEW.kind AND i.sku = NEW.sku);
END;

CREATE TRIGGER inventory_update BEFORE UPDATE ON inventory BEGIN
  SELECT RAISE(ABORT, 'inventory: unknown item: no gpu, server or network_item of this kind has this sku')
   WHERE NOT EXISTS (SELECT 1 FROM item i WHERE i.kind = NEW.kind AND i.sku = NEW.sku);
END;

CREATE TRIGGER no_control_chars_price_insert BEFORE INSERT ON price BEGIN
  SELECT RAISE(ABORT, 'price: sku holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.sku GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'price: currency holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.currency GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'price: source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.source GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'price: basis holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.basis GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_price_update BEFORE UPDATE OF sku, currency, source, basis ON price BEGIN
  SELECT RAISE(ABORT, 'price: sku holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.sku GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'price: currency holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.currency GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'price: source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.source GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'price: basis holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.basis GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_inventory_insert BEFORE INSERT ON inventory BEGIN
  SELECT RAISE(ABORT, 'inventory: sku holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.sku GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'inventory: location holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.location GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'inventory: note holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.note GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_inventory_update BEFORE UPDATE OF sku, location, note ON inventory BEGIN
  SELECT RAISE(ABORT, 'inventory: sku holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.sku GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'inventory: location holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.location GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'inventory: note holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.note GLOB (SELECT glob FROM control_character);
END;

-- Network items: named by price, inventory, caveat and server.nic_sku rows.

CREATE TRIGGER no_control_chars_network_item_insert BEFORE INSERT ON network_item BEGIN
  SELECT RAISE(ABORT, 'network_item: vendor holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.vendor GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'network_item: name holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.name GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'network_item: source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.source GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'network_item: notes holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.notes GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_network_item_update BEFORE UPDATE OF vendor, name, source, notes ON network_item BEGIN
  SELECT RAISE(ABORT, 'network_item: vendor holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.vendor GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'network_item: name holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.name GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'network_item: source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.source GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'network_item: notes holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.notes GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER network_item_delete BEFORE DELETE ON network_item BEGIN
  SELECT RAISE(ABORT, 'network_item: still named by price, inventory, caveat, setting or server.nic_sku rows; delete or change those first')
   WHERE EXISTS (SELECT 1 FROM price WHERE kind = OLD.kind AND sku = OLD.sku)
      OR EXISTS (SELECT 1 FROM inventory WHERE kind = OLD.kind AND sku = OLD.sku)
      OR EXISTS (SELECT 1 FROM caveat WHERE kind = OLD.kind AND sku = OLD.sku)
      OR EXISTS (SELECT 1 FROM setting WHERE name = 'default_nic' AND value = OLD.sku)
      OR EXISTS (SELECT 1 FROM server WHERE nic_sku = OLD.sku);
END;

CREATE TRIGGER network_item_update BEFORE UPDATE OF sku, kind ON network_item BEGIN
  SELECT RAISE(ABORT, 'network_item: sku and kind are named by other rows; insert a new item and move them instead')
   WHERE (NEW.sku IS NOT OLD.sku OR NEW.kind IS NOT OLD.kind) AND (
         EXISTS (SELECT 1 FROM price WHERE kind = OLD.kind AND sku = OLD.sku)
      OR EXISTS (SELECT 1 FROM inventory WHERE kind = OLD.kind AND sku = OLD.sku)
      OR EXISTS (SELECT 1 FROM caveat WHERE kind = OLD.kind AND sku = OLD.sku)
      OR EXISTS (SELECT 1 FROM server WHERE nic_sku = OLD.sku));
END;

-- A server's NIC must be a network_item of kind nic.

CREATE TRIGGER server_nic_insert BEFORE INSERT ON server WHEN NEW.nic_sku IS NOT NULL BEGIN
  SELECT RAISE(ABORT, 'server: nic_sku is not a network_item of kind nic (see the network_item table)')
   WHERE NOT EXISTS (SELECT 1 FROM network_item WHERE sku = NEW.nic_sku AND kind = 'nic');
END;

CREATE TRIGGER server_nic_update BEFORE UPDATE OF nic_sku ON server WHEN NEW.nic_sku IS NOT NULL BEGIN
  SELECT RAISE(ABORT, 'server: nic_sku is not a network_item of kind nic (see the network_item table)')
   WHERE NOT EXISTS (SELECT 1 FROM network_item WHERE sku = NEW.nic_sku AND kind = 'nic');
END;

CREATE TRIGGER caveat_insert BEFORE INSERT ON caveat BEGIN
  SELECT RAISE(ABORT, 'caveat: unknown item: no gpu, server or network_item of this kind has this sku')
   WHERE NOT EXISTS (SELECT 1 FROM item i WHERE i.kind = NEW.kind AND i.sku = NEW.sku);
  SELECT RAISE(ABORT, 'caveat: text holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.text GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'caveat: source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.source GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER caveat_update BEFORE UPDATE ON caveat BEGIN
  SELECT RAISE(ABORT, 'caveat: unknown item: no gpu, server or network_item of this kind has this sku')
   WHERE NOT EXISTS (SELECT 1 FROM item i WHERE i.kind = NEW.kind AND i.sku = NEW.sku);
  SELECT RAISE(ABORT, 'caveat: text holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.text GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'caveat: source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.source GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER format_support_insert BEFORE INSERT ON format_support BEGIN
  SELECT RAISE(ABORT, 'format_support: unknown format (see the number_format table)')
   WHERE NOT EXISTS (SELECT 1 FROM number_format WHERE name = NEW.format);
  SELECT RAISE(ABORT, 'format_support: source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.source GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'format_support: notes holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.notes GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER setting_insert BEFORE INSERT ON setting BEGIN
  SELECT RAISE(ABORT, 'setting: default_nic is not a network_item of kind nic')
   WHERE NEW.name = 'default_nic'
     AND NOT EXISTS (SELECT 1 FROM network_item WHERE sku = NEW.value AND kind = 'nic');
  SELECT RAISE(ABORT, 'setting: psu_load_max_bp must be an integer from 1 to 10000')
   WHERE NEW.name = 'psu_load_max_bp' AND NOT (NEW.value GLOB '[1-9]*' AND NEW.value NOT GLOB '*[^0-9]*'
                                              AND CAST(NEW.value AS INTEGER) BETWEEN 1 AND 10000);
  SELECT RAISE(ABORT, 'setting: wall_outlet_w must be a positive integer of watts')
   WHERE NEW.name = 'wall_outlet_w' AND NOT (NEW.value GLOB '[1-9]*' AND NEW.value NOT GLOB '*[^0-9]*'
                                            AND length(NEW.value) <= 6);
  SELECT RAISE(ABORT, 'setting: pp_nics_per_node must be an integer from 1 to 16')
   WHERE NEW.name = 'pp_nics_per_node' AND NOT (NEW.value GLOB '[1-9]*' AND NEW.value NOT GLOB '*[^0-9]*'
                                               AND CAST(NEW.value AS INTEGER) BETWEEN 1 AND 16);
  SELECT RAISE(ABORT, 'setting: sample_stock must be 0 or 1')
   WHERE NEW.name = 'sample_stock' AND NEW.value NOT IN ('0', '1');
  SELECT RAISE(ABORT, 'setting: source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.source GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER setting_update BEFORE UPDATE ON setting BEGIN
  SELECT RAISE(ABORT, 'setting: default_nic is not a network_item of kind nic')
   WHERE NEW.name = 'default_nic'
     AND NOT EXISTS (SELECT 1 FROM network_item WHERE sku = NEW.value AND kind = 'nic');
  SELECT RAISE(ABORT, 'setting: psu_load_max_bp must be an integer from 1 to 10000')
   WHERE NEW.name = 'psu_load_max_bp' AND NOT (NEW.value GLOB '[1-9]*' AND NEW.value NOT GLOB '*[^0-9]*'
                                              AND CAST(NEW.value AS INTEGER) BETWEEN 1 AND 10000);
  SELECT RAISE(ABORT, 'setting: wall_outlet_w must be a positive integer of watts')
   WHERE NEW.name = 'wall_outlet_w' AND NOT (NEW.value GLOB '[1-9]*' AND NEW.value NOT GLOB '*[^0-9]*'
                                            AND length(NEW.value) <= 6);
  SELECT RAISE(ABORT, 'setting: pp_nics_per_node must be an integer from 1 to 16')
   WHERE NEW.name = 'pp_nics_per_node' AND NOT (NEW.value GLOB '[1-9]*' AND NEW.value NOT GLOB '*[^0-9]*'
                                               AND CAST(NEW.value AS INTEGER) BETWEEN 1 AND 16);
  SELECT RAISE(ABORT, 'setting: sample_stock must be 0 or 1')
   WHERE NEW.name = 'sample_stock' AND NEW.value NOT IN ('0', '1');
END;

-- Workstations are single-node machines: the rows that exist say so.
UPDATE server SET scale_out = 'none' WHERE chassis = 'workstation';

-- The architecture is a fact of the SKU: a catalog file made before this
-- schema gets it for the GPUs gpusizer shipped (NVIDIA, AMD and Intel
-- product pages, as in catalog/030_gpu.sql). Other GPUs stay NULL, which
-- db check lists so that the maintainer sets them.
UPDATE gpu SET architecture = 'hopper' WHERE architecture IS NULL AND sku IN ('H100-SXM5-80GB', 'H100-PCIE-80GB', 'H100-NVL-94GB', 'H200-SXM-141GB', 'H200-NVL-141GB');
UPDATE gpu SET architecture = 'blackwell' WHERE architecture IS NULL AND sku IN ('B200-SXM-180GB', 'B300-SXM-288GB');
UPDATE gpu SET architecture = 'ampere' WHERE architecture IS NULL AND sku IN ('A100-SXM4-80GB', 'A100-SXM4-40GB', 'A100-PCIE-80GB', 'A100-PCIE-40GB', 'A10', 'A30', 'A40', 'RTX-A6000');
UPDATE gpu SET architecture = 'ada' WHERE architecture IS NULL AND sku IN ('L40S', 'L40', 'L4', 'RTX-6000-ADA', 'RTX-4090');
UPDATE gpu SET architecture = 'blackwell_rtx' WHERE architecture IS NULL AND sku IN ('RTX-PRO-6000-BW', 'RTX-PRO-6000-BW-MAXQ', 'RTX-5090');
UPDATE gpu SET architecture = 'cdna3' WHERE architecture IS NULL AND sku IN ('MI300X', 'MI325X');
UPDATE gpu SET architecture = 'cdna4' WHERE architecture IS NULL AND sku IN ('MI355X');
UPDATE gpu SET architecture = 'gaudi2' WHERE architecture IS NULL AND sku IN ('GAUDI2');
UPDATE gpu SET architecture = 'gaudi3' WHERE architecture IS NULL AND sku IN ('GAUDI3');

-- What db check lists beyond catalog_issue (db check reads every view
-- named catalog_issue*).
CREATE VIEW catalog_issue_deployability AS
  -- Sanity problems of the deployability data; an empty view is a healthy catalog.
  SELECT 'network_item' AS kind, sku, 'sellable network item has no price' AS problem
    FROM network_item n WHERE sellable = 1
     AND NOT EXISTS (SELECT 1 FROM price p WHERE p.kind = n.kind AND p.sku = n.sku)
  UNION ALL
  SELECT 'price', p.kind || '/' || p.sku || '/' || p.as_of,
         'names ' || p.kind || ' ' || p.sku || ', which is not a network_item of that kind'
    FROM price p WHERE p.kind IN ('nic', 'switch', 'cable')
     AND NOT EXISTS (SELECT 1 FROM network_item n WHERE n.kind = p.kind AND n.sku = p.sku)
  UNION ALL
  SELECT 'inventory', i.kind || '/' || i.sku || '/' || i.location,
         'names ' || i.kind || ' ' || i.sku || ', which is not a network_item of that kind'
    FROM inventory i WHERE i.kind IN ('nic', 'switch', 'cable')
     AND NOT EXISTS (SELECT 1 FROM network_item n WHERE n.kind = i.kind AND n.sku = i.sku)
  UNION ALL
  SELECT 'server', sku, 'nic_sku ' || nic_sku || ' is not a network_item of kind nic'
    FROM server s WHERE nic_sku IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM network_item n WHERE n.sku = s.nic_sku AND n.kind = 'nic')
  UNION ALL
  -- A catalog with no network parts at all (a file migrated from schema
  -- 2) quotes one node per configuration, saying NETWORK for more.
  SELECT 'server', sku, 'a rack server with scale_out nic, no nic_sku and no default_nic setting'
    FROM server s WHERE scale_out = 'nic' AND chassis = 'rack' AND nic_sku IS NULL
     AND NOT EXISTS (SELECT 1 FROM setting WHERE name = 'default_nic')
     AND EXISTS (SELECT 1 FROM network_item WHERE kind = 'nic')
  UNION ALL
  SELECT 'setting', name, 'default_nic ' || value || ' is not a network_item of kind nic'
    FROM setting WHERE name = 'default_nic'
     AND NOT EXISTS (SELECT 1 FROM network_item n WHERE n.sku = setting.value AND n.kind = 'nic')
  UNION ALL
  SELECT 'gpu', sku, 'sellable GPU has no architecture (format support cannot be checked)'
    FROM gpu WHERE sellable = 1 AND architecture IS NULL
  UNION ALL
  -- A catalog that records format support records it for every
  -- architecture it sells; one that records none (a file migrated from
  -- schema 2) quotes with the caution FORMAT_UNKNOWN instead.
  SELECT 'gpu', sku, 'architecture ' || architecture || ' has no format_support rows'
    FROM gpu g WHERE sellable = 1 AND architecture IS NOT NULL
     AND EXISTS (SELECT 1 FROM format_support)
     AND NOT EXISTS (SELECT 1 FROM format_support f WHERE f.architecture = g.architecture)
  UNION ALL
  SELECT 'format_support', architecture || '/' || format || '/' || runtime, 'unknown format ' || format
    FROM format_support f WHERE NOT EXISTS (SELECT 1 FROM number_format n WHERE n.name = f.format)
  UNION ALL
  SELECT 'caveat', kind || '/' || sku || '/' || code, 'names ' || kind || ' ' || sku || ', which is not in the catalog'
    FROM caveat c WHERE NOT EXISTS (SELECT 1 FROM item i WHERE i.kind = c.kind AND i.sku = c.sku)
  UNION ALL
  SELECT 'fabric', f.fabric, 'a sellable ' || f.fabric || ' NIC but no sellable switch of that fabric'
    FROM (SELECT DISTINCT fabric FROM network_item WHERE kind = 'nic' AND sellable = 1) f
   WHERE NOT EXISTS (SELECT 1 FROM network_item s WHERE s.kind = 'switch' AND s.sellable = 1 AND s.fabric = f.fabric)
  UNION ALL
  SELECT 'fabric', r.fabric, 'no sellable cable of role ' || r.role || ' for the ' || r.fabric || ' fabric'
    FROM (SELECT DISTINCT n.fabric, roles.role FROM network_item n,
            (SELECT 'nic_transceiver' AS role UNION ALL SELECT 'switch_transceiver' UNION ALL SELECT 'fiber') roles
           WHERE n.kind = 'nic' AND n.sellable = 1) r
   WHERE NOT EXISTS (SELECT 1 FROM network_item c WHERE c.kind = 'cable' AND c.sellable = 1
                        AND c.fabric = r.fabric AND c.cable_role = r.role)
  UNION ALL
  SELECT 'server', sku, 'end_of_sale without a lifecycle_date'
    FROM server WHERE lifecycle = 'end_of_sale' AND lifecycle_date IS NULL
  UNION ALL
  SELECT 'gpu', sku, 'end_of_sale without a lifecycle_date'
    FROM gpu WHERE lifecycle = 'end_of_sale' AND lifecycle_date IS NULL
  UNION ALL
  SELECT 'network_item', sku, 'text holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM network_item WHERE vendor GLOB (SELECT glob FROM control_character)
     OR name GLOB (SELECT glob FROM control_character) OR source GLOB (SELECT glob FROM control_character)
     OR notes GLOB (SELECT glob FROM control_character);

-- The new text columns of gpu and server, held like the others (0002).
CREATE TRIGGER no_control_chars_gpu_lifecycle_insert BEFORE INSERT ON gpu BEGIN
  SELECT RAISE(ABORT, 'gpu: lifecycle_source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.lifecycle_source GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_gpu_lifecycle_update BEFORE UPDATE OF lifecycle_source ON gpu BEGIN
  SELECT RAISE(ABORT, 'gpu: lifecycle_source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.lifecycle_source GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_server_lifecycle_insert BEFORE INSERT ON server BEGIN
  SELECT RAISE(ABORT, 'server: lifecycle_source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.lifecycle_source GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_server_lifecycle_update BEFORE UPDATE OF lifecycle_source ON server BEGIN
  SELECT RAISE(ABORT, 'server: lifecycle_source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.lifecycle_source GLOB (SELECT glob FROM control_character);
END;
