-- 0001_initial.sql: the gpusizer catalog schema, version 1.
--
-- Applied by the migration runner (src/migrate.c) inside one transaction;
-- the runner, not this file, sets PRAGMA user_version and application_id,
-- and refuses BEGIN/COMMIT/ATTACH/PRAGMA here so the file is all-or-nothing.
--
-- The names in DESIGN.md's "SQL contract" are stable: scripts written by
-- catalog maintainers use them. Every column beyond the contract has a
-- default or is nullable, so a row can be inserted with the contract columns
-- alone. Comments sit inside each CREATE statement so that `.schema` in the
-- sqlite3 shell shows them.
--
-- Referential rules are enforced twice: declared FOREIGN KEYs (checked when
-- foreign_keys is on, as gpusizer sets it) and triggers (which fire in a
-- plain `sqlite3` shell too, where foreign_keys is off by default).
--
-- Checklist when a column changes here: src/catalog_load.c reads the
-- columns by name; src/catalog_check.c and the catalog_issue view list the
-- sanity rules; docs/catalog.md documents them.

CREATE TABLE currency (
  -- ISO 4217 currencies that prices may be stated in.
  code         TEXT PRIMARY KEY CHECK (code GLOB '[A-Z][A-Z][A-Z]'), -- 'USD'
  minor_digits INTEGER NOT NULL CHECK (minor_digits BETWEEN 0 AND 4), -- USD 2: amount_minor 150 = 1.50 USD
  name         TEXT
) STRICT;

CREATE TABLE number_format (
  -- How many bytes a block of values takes: bytes = ceil(n * block_bytes / block_elems).
  -- fp32 1/4, bf16 1/2, int8 1/1, int4 2/1, GGUF q4_k 256/144, q8_0 32/34.
  name        TEXT PRIMARY KEY COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 32),
  block_elems INTEGER NOT NULL CHECK (block_elems BETWEEN 1 AND 1048576), -- values per block
  block_bytes INTEGER NOT NULL CHECK (block_bytes BETWEEN 1 AND 1048576), -- bytes per block, scales included
  trainable   INTEGER NOT NULL DEFAULT 0 CHECK (trainable IN (0, 1)),     -- 1: full training in this format is supported
  description TEXT,
  source      TEXT
) STRICT;

CREATE TABLE form_factor (
  -- How a GPU is mounted; a server accepts GPUs of one form factor.
  name        TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 16), -- 'SXM', 'OAM', 'PCIe'
  description TEXT
) STRICT;

CREATE TABLE gpu (
  -- One row per sellable SKU and form factor: H100 SXM5 and H100 PCIe are different rows.
  sku           TEXT PRIMARY KEY COLLATE NOCASE
                CHECK (length(sku) BETWEEN 1 AND 64 AND sku NOT GLOB '*[^A-Za-z0-9._+-]*'),
  vendor        TEXT NOT NULL CHECK (length(vendor) BETWEEN 1 AND 64),
  name          TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
  form_factor   TEXT NOT NULL REFERENCES form_factor(name),
  memory_mib    INTEGER NOT NULL CHECK (memory_mib > 0),                         -- nominal memory, MiB (80 GB H100: 81920)
  usable_mib    INTEGER NOT NULL CHECK (usable_mib > 0 AND usable_mib <= memory_mib), -- what the driver exposes, MiB (nvidia-smi "Total": 81559)
  bandwidth_gbs INTEGER NOT NULL CHECK (bandwidth_gbs > 0),                      -- memory bandwidth, GB/s (10^9 bytes/s)
  tflops_bf16   REAL NOT NULL CHECK (tflops_bf16 >= 0),                          -- dense (not sparse) BF16 tensor TFLOPS
  tdp_w         INTEGER NOT NULL CHECK (tdp_w > 0),                              -- board power, W
  memory_type   TEXT,                                                            -- 'HBM3', 'GDDR6 ECC'
  tflops_fp8    REAL CHECK (tflops_fp8 IS NULL OR tflops_fp8 >= 0),              -- dense
  tops_int8     REAL CHECK (tops_int8 IS NULL OR tops_int8 >= 0),                -- dense
  tflops_fp32   REAL CHECK (tflops_fp32 IS NULL OR tflops_fp32 >= 0),            -- non-tensor FP32
  interconnect  TEXT,                                                            -- 'NVLink4 + NVSwitch'
  interconnect_gbs INTEGER CHECK (interconnect_gbs IS NULL OR interconnect_gbs > 0), -- per GPU, GB/s
  datacenter_ok INTEGER NOT NULL DEFAULT 1 CHECK (datacenter_ok IN (0, 1)),      -- 0: consumer card, licence forbids datacenter use
  sellable      INTEGER NOT NULL DEFAULT 1 CHECK (sellable IN (0, 1)),           -- 0: kept for reference, never quoted
  verified      INTEGER NOT NULL DEFAULT 1 CHECK (verified IN (0, 1)),           -- 0: specs from a low-confidence source, check before quoting
  usable_basis  TEXT,                                                            -- where usable_mib comes from (reading or derivation)
  source        TEXT,                                                            -- where the specs come from
  as_of         TEXT CHECK (as_of IS NULL OR date(as_of, '+0 days') IS as_of),              -- YYYY-MM-DD (a real date: 2024-02-30 is refused)
  notes         TEXT
) STRICT;

CREATE TABLE gpu_alias (
  -- Other names a user may type for a GPU: 'H100' -> 'H100-SXM5-80GB'. Case is ignored.
  alias   TEXT PRIMARY KEY COLLATE NOCASE CHECK (length(alias) BETWEEN 1 AND 64),
  gpu_sku TEXT NOT NULL COLLATE NOCASE REFERENCES gpu(sku)
) STRICT;

CREATE TABLE server (
  -- Servers and workstations that take GPUs. Which GPUs, and how many, is in server_gpu.
  sku             TEXT PRIMARY KEY COLLATE NOCASE
                  CHECK (length(sku) BETWEEN 1 AND 64 AND sku NOT GLOB '*[^A-Za-z0-9._+-]*'),
  vendor          TEXT NOT NULL CHECK (length(vendor) BETWEEN 1 AND 64),
  name            TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
  gpu_form_factor TEXT NOT NULL REFERENCES form_factor(name),
  max_gpus        INTEGER NOT NULL CHECK (max_gpus BETWEEN 1 AND 1024),
  rack_units      INTEGER NOT NULL CHECK (rack_units BETWEEN 0 AND 60),         -- height in U; 0: tower, not rack-mounted
  psu_w           INTEGER NOT NULL CHECK (psu_w > 0),                           -- power the PSUs deliver with redundancy kept (N of N+M), W
  chassis         TEXT NOT NULL DEFAULT 'rack' CHECK (chassis IN ('rack', 'workstation')), -- consumer GPUs go only in workstations
  base_w          INTEGER NOT NULL DEFAULT 0 CHECK (base_w >= 0),               -- power of all but the GPUs (CPUs, memory, fans, NICs), W
  gpus_included   INTEGER NOT NULL DEFAULT 0 CHECK (gpus_included IN (0, 1)),   -- 1: the server's price includes its GPUs (DGX systems)
  psu_config      TEXT,                                                         -- as sold: '6x 3300 W (4+2)'
  cpu             TEXT,
  gpu_fabric      TEXT,
  sellable        INTEGER NOT NULL DEFAULT 1 CHECK (sellable IN (0, 1)),        -- 0: kept for reference, never quoted
  verified        INTEGER NOT NULL DEFAULT 1 CHECK (verified IN (0, 1)),        -- 0: specs from a low-confidence source
  source          TEXT,
  as_of           TEXT CHECK (as_of IS NULL OR date(as_of, '+0 days') IS as_of),
  notes           TEXT
) STRICT;

CREATE TABLE server_gpu (
  -- One row per GPU count a server accepts for a GPU: an HGX board takes exactly 8,
  -- a 4-slot PCIe server 1, 2, 3 or 4. The power rule checked by gpusizer is
  -- gpu_count * gpu.tdp_w + server.base_w <= server.psu_w.
  server_sku TEXT NOT NULL COLLATE NOCASE REFERENCES server(sku),
  gpu_sku    TEXT NOT NULL COLLATE NOCASE REFERENCES gpu(sku),
  gpu_count  INTEGER NOT NULL CHECK (gpu_count >= 1),
  source     TEXT,
  PRIMARY KEY (server_sku, gpu_sku, gpu_count)
) STRICT, WITHOUT ROWID;

CREATE TABLE price (
  -- Unit prices. The current price of an item is its row with the latest as_of
  -- (view price_current); older rows are history.
  kind         TEXT NOT NULL CHECK (kind IN ('gpu', 'server')),
  sku          TEXT NOT NULL COLLATE NOCASE,                    -- gpu.sku or server.sku, by kind
  amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),      -- minor units of currency: USD 2750000 = 27,500.00
  currency     TEXT NOT NULL REFERENCES currency(code),
  as_of        TEXT NOT NULL CHECK (date(as_of, '+0 days') IS as_of),      -- YYYY-MM-DD (a real date: 2024-02-30 is refused)
  source       TEXT NOT NULL CHECK (length(source) > 0),        -- who said so, where
  basis        TEXT,                                            -- 'list price', 'midpoint of a street range', ...
  PRIMARY KEY (kind, sku, as_of)
) STRICT;

CREATE TABLE inventory (
  -- What is on hand, per location. Available = on_hand - reserved.
  kind           TEXT NOT NULL CHECK (kind IN ('gpu', 'server')),
  sku            TEXT NOT NULL COLLATE NOCASE,
  location       TEXT NOT NULL CHECK (length(location) BETWEEN 1 AND 64),
  on_hand        INTEGER NOT NULL CHECK (on_hand >= 0),
  reserved       INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= on_hand),
  lead_time_days INTEGER NOT NULL CHECK (lead_time_days >= 0),  -- days to get more than is available
  as_of          TEXT CHECK (as_of IS NULL OR date(as_of, '+0 days') IS as_of),
  note           TEXT,
  PRIMARY KEY (kind, sku, location)
) STRICT;

CREATE TABLE model_family (
  -- Architecture families gpusizer can count parameters for (Hugging Face model_type).
  -- A new family needs code in src/model_count.c as well as a row here.
  name        TEXT PRIMARY KEY,
  description TEXT NOT NULL
) STRICT;

CREATE TABLE model (
  -- Model architectures, with Hugging Face config.json field names.
  name                    TEXT PRIMARY KEY COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 64), -- 'Llama-3-8B'
  hf_id                   TEXT UNIQUE COLLATE NOCASE,                 -- 'meta-llama/Meta-Llama-3-8B'
  model_type              TEXT NOT NULL DEFAULT 'llama' REFERENCES model_family(name),
  hidden_size             INTEGER NOT NULL CHECK (hidden_size > 0),
  intermediate_size       INTEGER NOT NULL CHECK (intermediate_size > 0), -- dense MLP width
  num_hidden_layers       INTEGER NOT NULL CHECK (num_hidden_layers > 0),
  num_attention_heads     INTEGER NOT NULL CHECK (num_attention_heads > 0),
  num_key_value_heads     INTEGER CHECK (num_key_value_heads IS NULL OR (num_key_value_heads > 0
                                 AND num_attention_heads % num_key_value_heads = 0)), -- NULL: = num_attention_heads
  head_dim                INTEGER CHECK (head_dim IS NULL OR head_dim > 0), -- NULL: hidden_size / num_attention_heads
  vocab_size              INTEGER NOT NULL CHECK (vocab_size > 0),
  tie_word_embeddings     INTEGER NOT NULL DEFAULT 0 CHECK (tie_word_embeddings IN (0, 1)),
  qkv_bias                INTEGER NOT NULL DEFAULT 0 CHECK (qkv_bias IN (0, 1)), -- q, k, v projections have biases (Qwen2)
  o_bias                  INTEGER NOT NULL DEFAULT 0 CHECK (o_bias IN (0, 1)),   -- output projection has a bias
  sliding_window          INTEGER CHECK (sliding_window IS NULL OR sliding_window > 0), -- tokens a windowed layer attends to
  sliding_window_pattern  INTEGER CHECK (sliding_window_pattern IS NULL OR sliding_window_pattern > 0),
                          -- every Nth layer attends fully, the others use the window (Gemma 2: 2); NULL: all windowed
  max_position_embeddings INTEGER CHECK (max_position_embeddings IS NULL OR max_position_embeddings > 0),
  num_local_experts       INTEGER CHECK (num_local_experts IS NULL OR num_local_experts > 0),
                          -- routed experts per MoE layer (HF: num_local_experts, n_routed_experts, num_experts)
  num_experts_per_tok     INTEGER CHECK (num_experts_per_tok IS NULL OR
                                 (num_experts_per_tok > 0 AND num_experts_per_tok <= num_local_experts)),
  moe_intermediate_size   INTEGER CHECK (moe_intermediate_size IS NULL OR moe_intermediate_size > 0), -- NULL: intermediate_size
  n_shared_experts        INTEGER CHECK (n_shared_experts IS NULL OR n_shared_experts >= 0),
  first_k_dense_replace   INTEGER CHECK (first_k_dense_replace IS NULL OR first_k_dense_replace >= 0), -- leading dense layers
  q_lora_rank             INTEGER CHECK (q_lora_rank IS NULL OR q_lora_rank > 0),   -- MLA (DeepSeek) fields
  kv_lora_rank            INTEGER CHECK (kv_lora_rank IS NULL OR kv_lora_rank > 0),
  qk_nope_head_dim        INTEGER CHECK (qk_nope_head_dim IS NULL OR qk_nope_head_dim > 0),
  qk_rope_head_dim        INTEGER CHECK (qk_rope_head_dim IS NULL OR qk_rope_head_dim > 0),
  v_head_dim              INTEGER CHECK (v_head_dim IS NULL OR v_head_dim > 0),
  source                  TEXT,
  as_of                   TEXT CHECK (as_of IS NULL OR date(as_of, '+0 days') IS as_of)
) STRICT;

CREATE TABLE model_alias (
  -- Other names for a model: 'llama-3-8b', 'meta-llama/Meta-Llama-3-8B-Instruct'. Case is ignored.
  alias      TEXT PRIMARY KEY COLLATE NOCASE CHECK (length(alias) BETWEEN 1 AND 128),
  model_name TEXT NOT NULL COLLATE NOCASE REFERENCES model(name)
) STRICT;

CREATE TABLE runtime (
  -- Serving and training runtimes, with the per-GPU constants measured on them.
  name               TEXT PRIMARY KEY COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 32), -- 'vllm'
  engine             TEXT NOT NULL,                                     -- 'vLLM'
  engine_version     TEXT NOT NULL,                                     -- the version the constants were measured on
  mem_util_bp        INTEGER NOT NULL DEFAULT 10000 CHECK (mem_util_bp BETWEEN 1 AND 10000),
                     -- share of GPU memory the runtime may use, basis points: 9000 = 0.90 (vLLM --gpu-memory-utilization)
  cuda_context_bytes INTEGER NOT NULL DEFAULT 0 CHECK (cuda_context_bytes >= 0), -- per GPU, outside the tensor allocator
  comm_buffer_bytes  INTEGER NOT NULL DEFAULT 0 CHECK (comm_buffer_bytes >= 0),  -- per GPU, added when more than one GPU talks (NCCL)
  activation_bytes   INTEGER NOT NULL DEFAULT 0 CHECK (activation_bytes >= 0),   -- per GPU inference workspace (profile run peak)
  default_for        TEXT UNIQUE CHECK (default_for IS NULL OR default_for IN ('inference', 'training')),
                     -- the profile used when --runtime is not given
  source             TEXT NOT NULL CHECK (length(source) > 0),
  as_of              TEXT CHECK (as_of IS NULL OR date(as_of, '+0 days') IS as_of)
) STRICT;

CREATE TABLE migration (
  -- Migrations applied to this file; PRAGMA user_version holds the latest.
  version INTEGER PRIMARY KEY,
  name    TEXT NOT NULL
) STRICT;

-- Referential triggers: price and inventory rows name a gpu or a server by
-- kind, which a FOREIGN KEY cannot express; the others repeat the declared
-- keys so that a shell with foreign_keys off is held to them too.

CREATE TRIGGER server_gpu_insert BEFORE INSERT ON server_gpu BEGIN
  SELECT RAISE(ABORT, 'server_gpu: unknown server_sku (see the server table)')
   WHERE NOT EXISTS (SELECT 1 FROM server WHERE sku = NEW.server_sku);
  SELECT RAISE(ABORT, 'server_gpu: unknown gpu_sku (see the gpu table)')
   WHERE NOT EXISTS (SELECT 1 FROM gpu WHERE sku = NEW.gpu_sku);
  SELECT RAISE(ABORT, 'server_gpu: the GPU form factor differs from the server gpu_form_factor')
   WHERE (SELECT form_factor FROM gpu WHERE sku = NEW.gpu_sku)
      IS NOT (SELECT gpu_form_factor FROM server WHERE sku = NEW.server_sku);
  SELECT RAISE(ABORT, 'server_gpu: gpu_count exceeds the server max_gpus')
   WHERE NEW.gpu_count > (SELECT max_gpus FROM server WHERE sku = NEW.server_sku);
END;

CREATE TRIGGER server_gpu_update BEFORE UPDATE ON server_gpu BEGIN
  SELECT RAISE(ABORT, 'server_gpu: unknown server_sku (see the server table)')
   WHERE NOT EXISTS (SELECT 1 FROM server WHERE sku = NEW.server_sku);
  SELECT RAISE(ABORT, 'server_gpu: unknown gpu_sku (see the gpu table)')
   WHERE NOT EXISTS (SELECT 1 FROM gpu WHERE sku = NEW.gpu_sku);
  SELECT RAISE(ABORT, 'server_gpu: the GPU form factor differs from the server gpu_form_factor')
   WHERE (SELECT form_factor FROM gpu WHERE sku = NEW.gpu_sku)
      IS NOT (SELECT gpu_form_factor FROM server WHERE sku = NEW.server_sku);
  SELECT RAISE(ABORT, 'server_gpu: gpu_count exceeds the server max_gpus')
   WHERE NEW.gpu_count > (SELECT max_gpus FROM server WHERE sku = NEW.server_sku);
END;

CREATE TRIGGER price_insert BEFORE INSERT ON price BEGIN
  SELECT RAISE(ABORT, 'price: unknown gpu sku (see the gpu table)')
   WHERE NEW.kind = 'gpu' AND NOT EXISTS (SELECT 1 FROM gpu WHERE sku = NEW.sku);
  SELECT RAISE(ABORT, 'price: unknown server sku (see the server table)')
   WHERE NEW.kind = 'server' AND NOT EXISTS (SELECT 1 FROM server WHERE sku = NEW.sku);
  SELECT RAISE(ABORT, 'price: unknown currency (see the currency table)')
   WHERE NOT EXISTS (SELECT 1 FROM currency WHERE code = NEW.currency);
END;

CREATE TRIGGER price_update BEFORE UPDATE ON price BEGIN
  SELECT RAISE(ABORT, 'price: unknown gpu sku (see the gpu table)')
   WHERE NEW.kind = 'gpu' AND NOT EXISTS (SELECT 1 FROM gpu WHERE sku = NEW.sku);
  SELECT RAISE(ABORT, 'price: unknown server sku (see the server table)')
   WHERE NEW.kind = 'server' AND NOT EXISTS (SELECT 1 FROM server WHERE sku = NEW.sku);
  SELECT RAISE(ABORT, 'price: unknown currency (see the currency table)')
   WHERE NOT EXISTS (SELECT 1 FROM currency WHERE code = NEW.currency);
END;

CREATE TRIGGER inventory_insert BEFORE INSERT ON inventory BEGIN
  SELECT RAISE(ABORT, 'inventory: unknown gpu sku (see the gpu table)')
   WHERE NEW.kind = 'gpu' AND NOT EXISTS (SELECT 1 FROM gpu WHERE sku = NEW.sku);
  SELECT RAISE(ABORT, 'inventory: unknown server sku (see the server table)')
   WHERE NEW.kind = 'server' AND NOT EXISTS (SELECT 1 FROM server WHERE sku = NEW.sku);
END;

CREATE TRIGGER inventory_update BEFORE UPDATE ON inventory BEGIN
  SELECT RAISE(ABORT, 'inventory: unknown gpu sku (see the gpu table)')
   WHERE NEW.kind = 'gpu' AND NOT EXISTS (SELECT 1 FROM gpu WHERE sku = NEW.sku);
  SELECT RAISE(ABORT, 'inventory: unknown server sku (see the server table)')
   WHERE NEW.kind = 'server' AND NOT EXISTS (SELECT 1 FROM server WHERE sku = NEW.sku);
END;

CREATE TRIGGER gpu_alias_insert BEFORE INSERT ON gpu_alias BEGIN
  SELECT RAISE(ABORT, 'gpu_alias: unknown gpu_sku (see the gpu table)')
   WHERE NOT EXISTS (SELECT 1 FROM gpu WHERE sku = NEW.gpu_sku);
END;

CREATE TRIGGER model_alias_insert BEFORE INSERT ON model_alias BEGIN
  SELECT RAISE(ABORT, 'model_alias: unknown model_name (see the model table)')
   WHERE NOT EXISTS (SELECT 1 FROM model WHERE name = NEW.model_name);
END;

CREATE TRIGGER model_family_check BEFORE INSERT ON model BEGIN
  SELECT RAISE(ABORT, 'model: unknown model_type (see the model_family table)')
   WHERE NOT EXISTS (SELECT 1 FROM model_family WHERE name = NEW.model_type);
END;

-- Deleting or renaming an item that other rows name would leave them
-- dangling: refuse, and say what to delete first.

CREATE TRIGGER gpu_delete BEFORE DELETE ON gpu BEGIN
  SELECT RAISE(ABORT, 'gpu: still named by server_gpu, price, inventory or gpu_alias rows; delete those first')
   WHERE EXISTS (SELECT 1 FROM server_gpu WHERE gpu_sku = OLD.sku)
      OR EXISTS (SELECT 1 FROM price WHERE kind = 'gpu' AND sku = OLD.sku)
      OR EXISTS (SELECT 1 FROM inventory WHERE kind = 'gpu' AND sku = OLD.sku)
      OR EXISTS (SELECT 1 FROM gpu_alias WHERE gpu_sku = OLD.sku);
END;

CREATE TRIGGER gpu_update BEFORE UPDATE OF sku, form_factor ON gpu BEGIN
  SELECT RAISE(ABORT, 'gpu: sku is named by other rows; insert a new gpu and move them instead')
   WHERE NEW.sku IS NOT OLD.sku AND (
         EXISTS (SELECT 1 FROM server_gpu WHERE gpu_sku = OLD.sku)
      OR EXISTS (SELECT 1 FROM price WHERE kind = 'gpu' AND sku = OLD.sku)
      OR EXISTS (SELECT 1 FROM inventory WHERE kind = 'gpu' AND sku = OLD.sku)
      OR EXISTS (SELECT 1 FROM gpu_alias WHERE gpu_sku = OLD.sku));
  SELECT RAISE(ABORT, 'gpu: form_factor would no longer match the servers that take this GPU (see server_gpu)')
   WHERE NEW.form_factor IS NOT OLD.form_factor
     AND EXISTS (SELECT 1 FROM server_gpu sg JOIN server s ON s.sku = sg.server_sku
                  WHERE sg.gpu_sku = OLD.sku AND s.gpu_form_factor IS NOT NEW.form_factor);
END;

CREATE TRIGGER server_delete BEFORE DELETE ON server BEGIN
  SELECT RAISE(ABORT, 'server: still named by server_gpu, price or inventory rows; delete those first')
   WHERE EXISTS (SELECT 1 FROM server_gpu WHERE server_sku = OLD.sku)
      OR EXISTS (SELECT 1 FROM price WHERE kind = 'server' AND sku = OLD.sku)
      OR EXISTS (SELECT 1 FROM inventory WHERE kind = 'server' AND sku = OLD.sku);
END;

CREATE TRIGGER server_update BEFORE UPDATE OF sku, gpu_form_factor, max_gpus ON server BEGIN
  SELECT RAISE(ABORT, 'server: sku is named by other rows; insert a new server and move them instead')
   WHERE NEW.sku IS NOT OLD.sku AND (
         EXISTS (SELECT 1 FROM server_gpu WHERE server_sku = OLD.sku)
      OR EXISTS (SELECT 1 FROM price WHERE kind = 'server' AND sku = OLD.sku)
      OR EXISTS (SELECT 1 FROM inventory WHERE kind = 'server' AND sku = OLD.sku));
  SELECT RAISE(ABORT, 'server: gpu_form_factor would no longer match the GPUs it takes (see server_gpu)')
   WHERE NEW.gpu_form_factor IS NOT OLD.gpu_form_factor
     AND EXISTS (SELECT 1 FROM server_gpu WHERE server_sku = OLD.sku);
  SELECT RAISE(ABORT, 'server: max_gpus is below a gpu_count in server_gpu; delete those rows first')
   WHERE EXISTS (SELECT 1 FROM server_gpu WHERE server_sku = OLD.sku AND gpu_count > NEW.max_gpus);
END;

CREATE TRIGGER model_delete BEFORE DELETE ON model BEGIN
  SELECT RAISE(ABORT, 'model: still named by model_alias rows; delete those first')
   WHERE EXISTS (SELECT 1 FROM model_alias WHERE model_name = OLD.name);
END;

-- Views for maintainers (and for `gpusizer db check`).

CREATE VIEW price_current AS
  -- The price in force for each item: its latest as_of.
  SELECT p.kind, p.sku, p.amount_minor, p.currency, p.as_of, p.source, p.basis
    FROM price p
   WHERE p.as_of = (SELECT max(q.as_of) FROM price q WHERE q.kind = p.kind AND q.sku = p.sku);

CREATE VIEW stock_available AS
  -- Stock per item summed over locations, with its current price.
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
   GROUP BY i.kind, i.sku;

CREATE VIEW server_gpu_power AS
  -- Every allowed GPU count with the power it draws against what the PSUs deliver.
  SELECT sg.server_sku, sg.gpu_sku, sg.gpu_count,
         sg.gpu_count * g.tdp_w + s.base_w AS draw_w,
         s.psu_w,
         (sg.gpu_count * g.tdp_w + s.base_w <= s.psu_w) AS power_ok
    FROM server_gpu sg
    JOIN gpu g ON g.sku = sg.gpu_sku
    JOIN server s ON s.sku = sg.server_sku;

CREATE VIEW catalog_issue AS
  -- Sanity problems `gpusizer db check` reports; an empty view is a healthy catalog.
  SELECT 'gpu' AS kind, sku, 'sellable GPU has no price' AS problem
    FROM gpu WHERE sellable = 1 AND NOT EXISTS (SELECT 1 FROM price p WHERE p.kind = 'gpu' AND p.sku = gpu.sku)
  UNION ALL
  SELECT 'server', sku, 'sellable server has no price'
    FROM server WHERE sellable = 1 AND NOT EXISTS (SELECT 1 FROM price p WHERE p.kind = 'server' AND p.sku = server.sku)
  UNION ALL
  SELECT 'gpu', sku, 'sellable GPU is accepted by no server (add server_gpu rows)'
    FROM gpu WHERE sellable = 1 AND NOT EXISTS (SELECT 1 FROM server_gpu sg WHERE sg.gpu_sku = gpu.sku)
  UNION ALL
  SELECT 'server', sku, 'server accepts no GPU (add server_gpu rows)'
    FROM server WHERE NOT EXISTS (SELECT 1 FROM server_gpu sg WHERE sg.server_sku = server.sku)
  UNION ALL
  SELECT 'gpu', sku, 'usable_mib exceeds memory_mib'
    FROM gpu WHERE usable_mib > memory_mib
  UNION ALL
  SELECT 'server_gpu', server_sku || ' + ' || gpu_count || 'x ' || gpu_sku,
         'allowed count draws ' || draw_w || ' W, more than psu_w ' || psu_w || ' W'
    FROM server_gpu_power WHERE NOT power_ok
  UNION ALL
  SELECT 'gpu_alias', alias, 'alias is also the SKU of another GPU'
    FROM gpu_alias WHERE EXISTS (SELECT 1 FROM gpu g WHERE g.sku = gpu_alias.alias AND g.sku <> gpu_alias.gpu_sku)
  UNION ALL
  SELECT 'runtime', req.mode, 'no runtime profile is the default for ' || req.mode
    FROM (SELECT 'inference' AS mode UNION ALL SELECT 'training') AS req
   WHERE NOT EXISTS (SELECT 1 FROM runtime r WHERE r.default_for = req.mode)
  UNION ALL
  SELECT 'number_format', req.name, 'required number format is missing'
    FROM (SELECT 'fp32' AS name UNION ALL SELECT 'fp16' UNION ALL SELECT 'bf16'
          UNION ALL SELECT 'int8' UNION ALL SELECT 'int4' UNION ALL SELECT 'nf4') AS req
   WHERE NOT EXISTS (SELECT 1 FROM number_format f WHERE f.name = req.name);

-- Rows the code depends on: they change with code, so they live in migrations.

INSERT INTO form_factor (name, description) VALUES
  ('SXM', 'NVIDIA SXM module on an HGX baseboard (4 or 8 per board)'),
  ('OAM', 'OCP Accelerator Module on a UBB baseboard (8 per board)'),
  ('PCIe', 'PCIe add-in card');

INSERT INTO model_family (name, description) VALUES
  ('llama', 'Llama 2/3: GQA, SwiGLU MLP, RMSNorm, optional explicit head_dim'),
  ('mistral', 'Mistral: Llama layout with an optional sliding window'),
  ('qwen2', 'Qwen2/2.5: Llama layout with q, k, v biases'),
  ('qwen3', 'Qwen3: Llama layout with per-head q and k RMSNorm'),
  ('phi3', 'Phi-3: fused qkv and gate_up projections (same count as Llama)'),
  ('gemma2', 'Gemma 2: explicit head_dim, four norms per layer, tied embeddings, alternating sliding window'),
  ('mixtral', 'Mixtral: Llama attention, MoE MLP with a router'),
  ('deepseek_v3', 'DeepSeek-V3: MLA attention, shared + routed experts, leading dense layers');
