-- 0006_memory_model.sql: memory as runtimes allocate it and checkpoints
-- store it (issue 15).
--
--  * runtime: new columns for the terms the estimator computes per
--    runtime version: the KV cache block, the profile run (max_num_seqs,
--    max_num_batched_tokens, the sampler's logits copies), CUDA graph
--    memory and whether the utilisation budget holds it, and the training
--    buffers (gradient buckets, ZeRO-2's contiguous gradients, ZeRO-3's
--    live and prefetched parameters, fp32 gradient partitions) and the
--    allocator's fragmentation margin. Every new column defaults to 0:
--    "not modelled", which is what a file written before this migration
--    meant.
--  * runtime_parallel: the non-torch memory of a runtime by tensor- and
--    pipeline-parallel degree, inside and outside the utilisation budget
--    (vLLM at TP 1 creates no NCCL communicator).
--  * gpu_visible_memory: per GPU, the memory the runtime sees (vLLM takes
--    its budget as a share of torch.cuda.mem_get_info's total), with its
--    source; a GPU without a row falls back to gpu.usable_mib.
--  * quant_recipe: for a number format used for weights, which tensors it
--    quantises (the linear layers, only the MoE experts, or llama.cpp's
--    per-tensor rules) and its stored layout: bits per value, group size,
--    scale and zero-point bits, per-row and per-tensor extras; the other
--    tensors keep kept_format (NULL: the 16-bit compute format).
--
-- Checklist (migrations/0002_no_control_chars.sql): the text columns of
-- the new tables get control-character checks in their insert and update
-- triggers and rows in catalog_issue, which is redefined at the end with
-- everything 0002 listed. The loader (src/catalog/load.c) reads every
-- column added here; a renamed column changes in both places.

-- The runtime table gains columns. SQLite's ADD COLUMN checks old rows of
-- a NOT NULL or CHECK column with a PRAGMA, which migrations may not run,
-- so the table is rebuilt (SQLite's documented 12-step way) with 0001's
-- columns and the new ones; 0002's triggers on it are made again.

DROP VIEW catalog_issue;
DROP TRIGGER no_control_chars_runtime_insert;
DROP TRIGGER no_control_chars_runtime_update;

CREATE TABLE runtime_new (
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
  as_of              TEXT CHECK (as_of IS NULL OR date(as_of, '+0 days') IS as_of),
  -- Schema 3 (0003_deployability.sql): the least headroom, basis points of the budget.
  min_headroom_bp    INTEGER NOT NULL DEFAULT 500 CHECK (min_headroom_bp BETWEEN 0 AND 5000),
  -- Schema 6: the terms of the memory model (0: not modelled).
  block_size INTEGER NOT NULL DEFAULT 0 CHECK (block_size BETWEEN 0 AND 65536), -- KV cache block, tokens (vLLM 16); 0: not paged
  max_num_seqs INTEGER NOT NULL DEFAULT 0 CHECK (max_num_seqs BETWEEN 0 AND 1048576), -- profile-run sequences on a large GPU
  max_num_seqs_small INTEGER NOT NULL DEFAULT 0 CHECK (max_num_seqs_small BETWEEN 0 AND 1048576), -- the same below large_gpu_mib
  max_batched_tokens INTEGER NOT NULL DEFAULT 0 CHECK (max_batched_tokens BETWEEN 0 AND 16777216), -- profile-run forward tokens on a large GPU
  max_batched_tokens_small INTEGER NOT NULL DEFAULT 0 CHECK (max_batched_tokens_small BETWEEN 0 AND 16777216),
  large_gpu_mib INTEGER NOT NULL DEFAULT 0 CHECK (large_gpu_mib >= 0), -- visible memory from which a GPU is large
  sampler_copies_milli INTEGER NOT NULL DEFAULT 0 CHECK (sampler_copies_milli BETWEEN 0 AND 1000000), -- fp32 logits copies of max_num_seqs x vocab at the peak, x1000
  sampler_base_bytes INTEGER NOT NULL DEFAULT 0 CHECK (sampler_base_bytes >= 0), -- constant part of the sampler peak
  forward_peak INTEGER NOT NULL DEFAULT 0 CHECK (forward_peak IN (0, 1)), -- 1: the profile's forward over max_batched_tokens counts
  graph_bytes INTEGER NOT NULL DEFAULT 0 CHECK (graph_bytes >= 0), -- CUDA graph memory per GPU
  graph_in_budget INTEGER NOT NULL DEFAULT 0 CHECK (graph_in_budget IN (0, 1)), -- 1: inside util x visible (vLLM >= 0.21); 0: from the rest
  grad_bucket_bytes INTEGER NOT NULL DEFAULT 0 CHECK (grad_bucket_bytes >= 0), -- training: gradient reduce bucket when dp > 1
  zero2_buffer_bytes INTEGER NOT NULL DEFAULT 0 CHECK (zero2_buffer_bytes >= 0), -- ZeRO-2 contiguous gradient buffer
  zero3_live_params INTEGER NOT NULL DEFAULT 0 CHECK (zero3_live_params >= 0), -- ZeRO-3 gathered parameters kept live (DeepSpeed 1e9)
  zero3_prefetch_params INTEGER NOT NULL DEFAULT 0 CHECK (zero3_prefetch_params >= 0), -- ZeRO-3 prefetch bucket (DeepSpeed 5e7)
  zero3_gather_layers INTEGER NOT NULL DEFAULT 0 CHECK (zero3_gather_layers BETWEEN 0 AND 64), -- whole layers gathered at once (FSDP: current + prefetched)
  fp32_grad_partition INTEGER NOT NULL DEFAULT 0 CHECK (fp32_grad_partition IN (0, 1)), -- 1: an fp32 gradient partition per ZeRO stage >= 1 (DeepSpeed)
  fragmentation_bp INTEGER NOT NULL DEFAULT 0 CHECK (fragmentation_bp BETWEEN 0 AND 10000) -- allocator margin over the tensors, basis points
) STRICT;

INSERT INTO runtime_new (name, engine, engine_version, mem_util_bp, cuda_context_bytes, comm_buffer_bytes,
                         activation_bytes, default_for, source, as_of, min_headroom_bp)
  SELECT name, engine, engine_version, mem_util_bp, cuda_context_bytes, comm_buffer_bytes,
         activation_bytes, default_for, source, as_of, min_headroom_bp FROM runtime;
DROP TABLE runtime;
ALTER TABLE runtime_new RENAME TO runtime;

CREATE TRIGGER no_control_chars_runtime_insert BEFORE INSERT ON runtime BEGIN
  SELECT RAISE(ABORT, 'runtime: name holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.name GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'runtime: engine holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.engine GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'runtime: engine_version holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.engine_version GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'runtime: source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.source GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_runtime_update BEFORE UPDATE OF name, engine, engine_version, source ON runtime BEGIN
  SELECT RAISE(ABORT, 'runtime: name holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.name GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'runtime: engine holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.engine GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'runtime: engine_version holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.engine_version GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'runtime: source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.source GLOB (SELECT glob FROM control_character);
END;

CREATE TABLE runtime_parallel (
  -- Non-torch memory per GPU of a runtime from this tensor- and
  -- pipeline-parallel degree up (the row with the largest tp <= the
  -- layout's, then the largest pp <= the layout's, applies). A runtime
  -- without rows uses its cuda_context_bytes and comm_buffer_bytes.
  runtime         TEXT NOT NULL COLLATE NOCASE REFERENCES runtime(name),
  tp              INTEGER NOT NULL CHECK (tp BETWEEN 1 AND 4096),
  pp              INTEGER NOT NULL CHECK (pp BETWEEN 1 AND 4096),
  in_budget_bytes INTEGER NOT NULL CHECK (in_budget_bytes >= 0), -- inside util x visible (vLLM: non-torch forward increase)
  outside_bytes   INTEGER NOT NULL CHECK (outside_bytes >= 0),   -- taken before the budget (CUDA context, NCCL communicators)
  source          TEXT NOT NULL CHECK (length(source) > 0),
  PRIMARY KEY (runtime, tp, pp)
) STRICT;

CREATE TABLE gpu_visible_memory (
  -- What a runtime sees as the GPU's total memory, MiB: vLLM's budget is
  -- gpu_memory_utilization x this (torch.cuda.mem_get_info()[1]).
  gpu_sku     TEXT PRIMARY KEY COLLATE NOCASE REFERENCES gpu(sku),
  visible_mib INTEGER NOT NULL CHECK (visible_mib > 0),
  basis       TEXT NOT NULL CHECK (length(basis) BETWEEN 1 AND 512), -- how it was read
  source      TEXT NOT NULL CHECK (length(source) > 0),
  as_of       TEXT CHECK (as_of IS NULL OR date(as_of, '+0 days') IS as_of)
) STRICT;

CREATE TABLE quant_recipe (
  -- How a weight format is stored in a checkpoint. A tensor [out, in]
  -- quantised here takes ceil((out*in*value_bits + groups*(scale_bits +
  -- zero_bits) + ceil(groups/group2_size)*group2_bits + in*column_bits) / 8)
  -- + tensor_bytes bytes, with groups = ceil(out/group_rows) *
  -- ceil(in/group_size) (group_size 0: one group per output row).
  format        TEXT PRIMARY KEY COLLATE NOCASE REFERENCES number_format(name),
  quantized     TEXT NOT NULL CHECK (quantized IN ('linear', 'experts', 'gguf')),
                -- linear: every linear layer of the blocks (not embeddings, LM head, norms, routers);
                -- experts: only routed MoE experts; gguf: llama.cpp's per-tensor rules (gguf_ftype)
  value_bits    INTEGER NOT NULL CHECK (value_bits BETWEEN 0 AND 32),
  group_size    INTEGER NOT NULL CHECK (group_size BETWEEN 0 AND 1048576), -- values per scale along the input
  group_rows    INTEGER NOT NULL DEFAULT 1 CHECK (group_rows BETWEEN 1 AND 65536), -- output rows per scale (2-D blocks)
  scale_bits    INTEGER NOT NULL CHECK (scale_bits BETWEEN 0 AND 64),
  zero_bits     INTEGER NOT NULL CHECK (zero_bits BETWEEN 0 AND 64),
  group2_size   INTEGER NOT NULL DEFAULT 0 CHECK (group2_size BETWEEN 0 AND 1048576), -- groups per second-level scale
  group2_bits   INTEGER NOT NULL DEFAULT 0 CHECK (group2_bits BETWEEN 0 AND 64),
  column_bits   INTEGER NOT NULL DEFAULT 0 CHECK (column_bits BETWEEN 0 AND 64), -- per input row (GPTQ g_idx)
  tensor_bytes  INTEGER NOT NULL DEFAULT 0 CHECK (tensor_bytes BETWEEN 0 AND 1048576), -- per quantised tensor
  kept_format   TEXT COLLATE NOCASE REFERENCES number_format(name), -- the other tensors; NULL: the compute format
  gguf_ftype    TEXT CHECK (gguf_ftype IS NULL OR gguf_ftype IN ('q4_0', 'q8_0', 'q4_k_m', 'q5_k_m', 'q6_k')),
  description   TEXT NOT NULL CHECK (length(description) > 0),
  source        TEXT NOT NULL CHECK (length(source) > 0),
  CHECK ((quantized = 'gguf') = (gguf_ftype IS NOT NULL)),
  CHECK (quantized = 'gguf' OR value_bits > 0)
) STRICT;

-- References, held also with foreign_keys off (as 0001 does).

CREATE TRIGGER runtime_parallel_insert BEFORE INSERT ON runtime_parallel BEGIN
  SELECT RAISE(ABORT, 'runtime_parallel: unknown runtime (see the runtime table)')
   WHERE NOT EXISTS (SELECT 1 FROM runtime WHERE name = NEW.runtime);
END;

CREATE TRIGGER runtime_parallel_update BEFORE UPDATE OF runtime ON runtime_parallel BEGIN
  SELECT RAISE(ABORT, 'runtime_parallel: unknown runtime (see the runtime table)')
   WHERE NOT EXISTS (SELECT 1 FROM runtime WHERE name = NEW.runtime);
END;

CREATE TRIGGER runtime_parallel_runtime_delete BEFORE DELETE ON runtime BEGIN
  SELECT RAISE(ABORT, 'runtime: still named by runtime_parallel rows; delete those first')
   WHERE EXISTS (SELECT 1 FROM runtime_parallel WHERE runtime = OLD.name);
END;

CREATE TRIGGER runtime_parallel_runtime_update BEFORE UPDATE OF name ON runtime BEGIN
  SELECT RAISE(ABORT, 'runtime: name is named by runtime_parallel rows; insert a new runtime and move them instead')
   WHERE NEW.name IS NOT OLD.name AND EXISTS (SELECT 1 FROM runtime_parallel WHERE runtime = OLD.name);
END;

CREATE TRIGGER gpu_visible_memory_insert BEFORE INSERT ON gpu_visible_memory BEGIN
  SELECT RAISE(ABORT, 'gpu_visible_memory: unknown gpu_sku (see the gpu table)')
   WHERE NOT EXISTS (SELECT 1 FROM gpu WHERE sku = NEW.gpu_sku);
  SELECT RAISE(ABORT, 'gpu_visible_memory: visible_mib exceeds the gpu usable_mib')
   WHERE NEW.visible_mib > (SELECT usable_mib FROM gpu WHERE sku = NEW.gpu_sku);
END;

CREATE TRIGGER gpu_visible_memory_update BEFORE UPDATE OF gpu_sku, visible_mib ON gpu_visible_memory BEGIN
  SELECT RAISE(ABORT, 'gpu_visible_memory: unknown gpu_sku (see the gpu table)')
   WHERE NOT EXISTS (SELECT 1 FROM gpu WHERE sku = NEW.gpu_sku);
  SELECT RAISE(ABORT, 'gpu_visible_memory: visible_mib exceeds the gpu usable_mib')
   WHERE NEW.visible_mib > (SELECT usable_mib FROM gpu WHERE sku = NEW.gpu_sku);
END;

CREATE TRIGGER gpu_visible_memory_gpu_delete BEFORE DELETE ON gpu BEGIN
  SELECT RAISE(ABORT, 'gpu: still named by gpu_visible_memory rows; delete those first')
   WHERE EXISTS (SELECT 1 FROM gpu_visible_memory WHERE gpu_sku = OLD.sku);
END;

CREATE TRIGGER gpu_visible_memory_gpu_update BEFORE UPDATE OF sku ON gpu BEGIN
  SELECT RAISE(ABORT, 'gpu: sku is named by gpu_visible_memory rows; insert a new gpu and move them instead')
   WHERE NEW.sku IS NOT OLD.sku AND EXISTS (SELECT 1 FROM gpu_visible_memory WHERE gpu_sku = OLD.sku);
END;

CREATE TRIGGER quant_recipe_insert BEFORE INSERT ON quant_recipe BEGIN
  SELECT RAISE(ABORT, 'quant_recipe: unknown format (see the number_format table)')
   WHERE NOT EXISTS (SELECT 1 FROM number_format WHERE name = NEW.format);
  SELECT RAISE(ABORT, 'quant_recipe: unknown kept_format (see the number_format table)')
   WHERE NEW.kept_format IS NOT NULL AND NOT EXISTS (SELECT 1 FROM number_format WHERE name = NEW.kept_format);
END;

CREATE TRIGGER quant_recipe_update BEFORE UPDATE OF format, kept_format ON quant_recipe BEGIN
  SELECT RAISE(ABORT, 'quant_recipe: unknown format (see the number_format table)')
   WHERE NOT EXISTS (SELECT 1 FROM number_format WHERE name = NEW.format);
  SELECT RAISE(ABORT, 'quant_recipe: unknown kept_format (see the number_format table)')
   WHERE NEW.kept_format IS NOT NULL AND NOT EXISTS (SELECT 1 FROM number_format WHERE name = NEW.kept_format);
END;

CREATE TRIGGER quant_recipe_format_delete BEFORE DELETE ON number_format BEGIN
  SELECT RAISE(ABORT, 'number_format: still named by quant_recipe rows; delete those first')
   WHERE EXISTS (SELECT 1 FROM quant_recipe WHERE format = OLD.name OR kept_format = OLD.name);
END;

CREATE TRIGGER quant_recipe_format_update BEFORE UPDATE OF name ON number_format BEGIN
  SELECT RAISE(ABORT, 'number_format: name is named by quant_recipe rows; insert a new format and move them instead')
   WHERE NEW.name IS NOT OLD.name
     AND EXISTS (SELECT 1 FROM quant_recipe WHERE format = OLD.name OR kept_format = OLD.name);
END;

-- Control characters in the new text columns (0002's rule).

CREATE TRIGGER no_control_chars_runtime_parallel_insert BEFORE INSERT ON runtime_parallel BEGIN
  SELECT RAISE(ABORT, 'runtime_parallel: runtime holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.runtime GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'runtime_parallel: source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.source GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_runtime_parallel_update BEFORE UPDATE OF runtime, source ON runtime_parallel BEGIN
  SELECT RAISE(ABORT, 'runtime_parallel: runtime holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.runtime GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'runtime_parallel: source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.source GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_gpu_visible_memory_insert BEFORE INSERT ON gpu_visible_memory BEGIN
  SELECT RAISE(ABORT, 'gpu_visible_memory: gpu_sku holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.gpu_sku GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'gpu_visible_memory: basis holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.basis GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'gpu_visible_memory: source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.source GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_gpu_visible_memory_update BEFORE UPDATE OF gpu_sku, basis, source ON gpu_visible_memory BEGIN
  SELECT RAISE(ABORT, 'gpu_visible_memory: gpu_sku holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.gpu_sku GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'gpu_visible_memory: basis holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.basis GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'gpu_visible_memory: source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.source GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_quant_recipe_insert BEFORE INSERT ON quant_recipe BEGIN
  SELECT RAISE(ABORT, 'quant_recipe: format holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.format GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'quant_recipe: kept_format holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.kept_format GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'quant_recipe: description holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.description GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'quant_recipe: source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.source GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_quant_recipe_update BEFORE UPDATE OF format, kept_format, description, source ON quant_recipe BEGIN
  SELECT RAISE(ABORT, 'quant_recipe: format holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.format GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'quant_recipe: kept_format holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.kept_format GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'quant_recipe: description holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.description GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'quant_recipe: source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.source GLOB (SELECT glob FROM control_character);
END;
-- What db check lists: 0002's view and the new tables' text columns.


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
   WHERE NOT EXISTS (SELECT 1 FROM number_format f WHERE f.name = req.name)
  UNION ALL
  -- Rows the 0001 triggers refuse, in a file written with them dropped.
  SELECT 'price', p.kind || '/' || p.sku || '/' || p.as_of,
         'names ' || p.kind || ' ' || p.sku || ', which is not in the ' || p.kind || ' table'
    FROM price p
   WHERE (p.kind = 'gpu' AND NOT EXISTS (SELECT 1 FROM gpu g WHERE g.sku = p.sku))
      OR (p.kind = 'server' AND NOT EXISTS (SELECT 1 FROM server s WHERE s.sku = p.sku))
  UNION ALL
  SELECT 'inventory', i.kind || '/' || i.sku || '/' || i.location,
         'names ' || i.kind || ' ' || i.sku || ', which is not in the ' || i.kind || ' table'
    FROM inventory i
   WHERE (i.kind = 'gpu' AND NOT EXISTS (SELECT 1 FROM gpu g WHERE g.sku = i.sku))
      OR (i.kind = 'server' AND NOT EXISTS (SELECT 1 FROM server s WHERE s.sku = i.sku))
  UNION ALL
  SELECT 'server_gpu', sg.server_sku || '/' || sg.gpu_sku || '/' || sg.gpu_count,
         'the GPU form factor ' || g.form_factor || ' differs from the server gpu_form_factor '
           || s.gpu_form_factor
    FROM server_gpu sg JOIN gpu g ON g.sku = sg.gpu_sku JOIN server s ON s.sku = sg.server_sku
   WHERE g.form_factor IS NOT s.gpu_form_factor
  UNION ALL
  SELECT 'server_gpu', sg.server_sku || '/' || sg.gpu_sku || '/' || sg.gpu_count,
         'gpu_count exceeds the server max_gpus ' || s.max_gpus
    FROM server_gpu sg JOIN server s ON s.sku = sg.server_sku
   WHERE sg.gpu_count > s.max_gpus
  UNION ALL
  -- Text written before the control-character triggers.
  SELECT 'currency', code, 'name holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM currency WHERE name GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'number_format', name, 'name holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM number_format WHERE name GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'number_format', name, 'description holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM number_format WHERE description GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'number_format', name, 'source holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM number_format WHERE source GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'form_factor', name, 'name holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM form_factor WHERE name GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'form_factor', name, 'description holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM form_factor WHERE description GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'gpu', sku, 'vendor holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM gpu WHERE vendor GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'gpu', sku, 'name holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM gpu WHERE name GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'gpu', sku, 'form_factor holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM gpu WHERE form_factor GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'gpu', sku, 'memory_type holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM gpu WHERE memory_type GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'gpu', sku, 'interconnect holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM gpu WHERE interconnect GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'gpu', sku, 'usable_basis holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM gpu WHERE usable_basis GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'gpu', sku, 'source holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM gpu WHERE source GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'gpu', sku, 'notes holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM gpu WHERE notes GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'gpu_alias', alias, 'alias holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM gpu_alias WHERE alias GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'gpu_alias', alias, 'gpu_sku holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM gpu_alias WHERE gpu_sku GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'server', sku, 'vendor holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM server WHERE vendor GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'server', sku, 'name holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM server WHERE name GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'server', sku, 'gpu_form_factor holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM server WHERE gpu_form_factor GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'server', sku, 'psu_config holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM server WHERE psu_config GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'server', sku, 'cpu holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM server WHERE cpu GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'server', sku, 'gpu_fabric holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM server WHERE gpu_fabric GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'server', sku, 'source holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM server WHERE source GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'server', sku, 'notes holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM server WHERE notes GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'server_gpu', server_sku || '/' || gpu_sku || '/' || gpu_count, 'server_sku holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM server_gpu WHERE server_sku GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'server_gpu', server_sku || '/' || gpu_sku || '/' || gpu_count, 'gpu_sku holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM server_gpu WHERE gpu_sku GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'server_gpu', server_sku || '/' || gpu_sku || '/' || gpu_count, 'source holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM server_gpu WHERE source GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'price', kind || '/' || sku || '/' || as_of, 'sku holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM price WHERE sku GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'price', kind || '/' || sku || '/' || as_of, 'currency holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM price WHERE currency GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'price', kind || '/' || sku || '/' || as_of, 'source holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM price WHERE source GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'price', kind || '/' || sku || '/' || as_of, 'basis holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM price WHERE basis GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'inventory', kind || '/' || sku || '/' || location, 'sku holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM inventory WHERE sku GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'inventory', kind || '/' || sku || '/' || location, 'location holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM inventory WHERE location GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'inventory', kind || '/' || sku || '/' || location, 'note holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM inventory WHERE note GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'model_family', name, 'name holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM model_family WHERE name GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'model_family', name, 'description holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM model_family WHERE description GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'model', name, 'name holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM model WHERE name GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'model', name, 'hf_id holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM model WHERE hf_id GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'model', name, 'model_type holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM model WHERE model_type GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'model', name, 'source holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM model WHERE source GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'model_alias', alias, 'alias holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM model_alias WHERE alias GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'model_alias', alias, 'model_name holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM model_alias WHERE model_name GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'runtime', name, 'name holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM runtime WHERE name GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'runtime', name, 'engine holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM runtime WHERE engine GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'runtime', name, 'engine_version holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM runtime WHERE engine_version GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'runtime', name, 'source holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM runtime WHERE source GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'runtime_parallel', runtime || ' tp ' || tp || ' pp ' || pp, 'runtime holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM runtime_parallel WHERE runtime GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'runtime_parallel', runtime || ' tp ' || tp || ' pp ' || pp, 'source holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM runtime_parallel WHERE source GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'gpu_visible_memory', gpu_sku, 'gpu_sku holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM gpu_visible_memory WHERE gpu_sku GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'gpu_visible_memory', gpu_sku, 'basis holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM gpu_visible_memory WHERE basis GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'gpu_visible_memory', gpu_sku, 'source holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM gpu_visible_memory WHERE source GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'quant_recipe', format, 'format holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM quant_recipe WHERE format GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'quant_recipe', format, 'kept_format holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM quant_recipe WHERE kept_format GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'quant_recipe', format, 'description holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM quant_recipe WHERE description GLOB (SELECT glob FROM control_character)
  UNION ALL
  SELECT 'quant_recipe', format, 'source holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM quant_recipe WHERE source GLOB (SELECT glob FROM control_character);
