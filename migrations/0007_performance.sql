-- 0007_performance.sql: what the performance model (src/sizing/perf.c,
-- docs/performance-model.md) reads beyond memory: each GPU's peak compute
-- in the low-precision formats and its GPU-to-GPU link, and how close each
-- runtime comes to the peaks on each GPU architecture (runtime_efficiency).
--
-- Every figure carries its source: the GPU's new columns share
-- perf_source and perf_as_of (the link and FP4 figures come from other
-- documents than the memory and BF16 figures the row's source names);
-- every runtime_efficiency row has its own source.
--
-- ADD COLUMN with a CHECK on a table with rows makes SQLite read
-- pragma_quick_check, which the migration runner allows (and only that).
--
-- Checklist: src/catalog/load.c reads the new gpu columns (the gpu query
-- and read_gpu) into the end of gsz_gpu, and runtime_efficiency (the
-- runtime_efficiency query and read_efficiency) into gsz_efficiency
-- (include/gpusizer/records.h); catalog_issue_performance lists their
-- sanity rules; docs/performance-model.md explains what the model does
-- with them.

-- Peak dense FP4 (NVFP4/MXFP4) tensor throughput; tflops_fp8 and
-- tops_int8 are in the table since schema 1.
ALTER TABLE gpu ADD COLUMN tflops_fp4 REAL CHECK (tflops_fp4 IS NULL OR tflops_fp4 > 0);
-- The GPU-to-GPU link of the systems the GPU is sold in.
ALTER TABLE gpu ADD COLUMN link TEXT
  CHECK (link IS NULL OR link IN ('nvswitch', 'nvlink_bridge', 'xgmi', 'pcie', 'roce'));
  -- nvswitch: NVLink through NVSwitch, every GPU of the domain at full rate (HGX, NVL72);
  -- nvlink_bridge: NVLink bridges join link_gpus cards, PCIe beyond them;
  -- xgmi: AMD Infinity Fabric full mesh (one link per GPU pair); pcie: no GPU link;
  -- roce: on-die RDMA Ethernet ports (Gaudi)
ALTER TABLE gpu ADD COLUMN link_gbs REAL CHECK (link_gbs IS NULL OR link_gbs > 0);
  -- per GPU and direction, GB/s (10^9 B/s): H100 SXM 450 (900 both ways)
ALTER TABLE gpu ADD COLUMN link_gpus INTEGER CHECK (link_gpus IS NULL OR link_gpus BETWEEN 1 AND 1024);
  -- GPUs one link domain joins: 8 on an HGX board, 72 in an NVL72 rack, 2 with bridge pairs
ALTER TABLE gpu ADD COLUMN allreduce_busbw_gbs REAL
  CHECK (allreduce_busbw_gbs IS NULL OR allreduce_busbw_gbs > 0);
  -- measured NCCL/RCCL all-reduce bus bandwidth, large messages, GB/s; NULL: not measured
ALTER TABLE gpu ADD COLUMN allreduce_latency_us REAL
  CHECK (allreduce_latency_us IS NULL OR allreduce_latency_us > 0);
  -- one small (decode-sized) all-reduce over the link, microseconds
ALTER TABLE gpu ADD COLUMN perf_source TEXT;
ALTER TABLE gpu ADD COLUMN perf_as_of TEXT CHECK (perf_as_of IS NULL OR date(perf_as_of, '+0 days') IS perf_as_of);

CREATE TABLE runtime_efficiency (
  -- How close a runtime comes to a GPU's peaks, per GPU architecture ('*': every
  -- architecture without a row of its own), calibrated on published measurements
  -- (docs/performance-model.md). Shares are basis points: 8000 = 0.80.
  runtime            TEXT NOT NULL COLLATE NOCASE REFERENCES runtime(name),
  architecture       TEXT NOT NULL CHECK (architecture = '*' OR (length(architecture) BETWEEN 1 AND 32
                                          AND architecture NOT GLOB '*[^a-z0-9_]*')),
  eff_bw_bp          INTEGER NOT NULL CHECK (eff_bw_bp BETWEEN 1 AND 10000),
                     -- achieved / peak memory bandwidth while decoding
  eff_compute_bp     INTEGER NOT NULL CHECK (eff_compute_bp BETWEEN 1 AND 10000),
                     -- achieved / peak dense tensor throughput of decode steps (skinny GEMMs)
  eff_prefill_bp     INTEGER NOT NULL CHECK (eff_prefill_bp BETWEEN 1 AND 10000),
                     -- achieved / peak dense tensor throughput of prefill (long GEMMs, attention)
  step_overhead_us   INTEGER NOT NULL CHECK (step_overhead_us BETWEEN 0 AND 1000000),
                     -- fixed time of every forward step: scheduling, launches, sampling
  ttft_overhead_us   INTEGER NOT NULL CHECK (ttft_overhead_us BETWEEN 0 AND 10000000),
                     -- fixed time before the first token: request handling, tokenising, first step
  chunk_tokens       INTEGER NOT NULL CHECK (chunk_tokens BETWEEN 1 AND 1048576),
                     -- token budget of one step (chunked prefill): vLLM max_num_batched_tokens
  moe_eff_bp         INTEGER NOT NULL DEFAULT 10000 CHECK (moe_eff_bp BETWEEN 1 AND 10000),
                     -- what the runtime's MoE kernels keep of eff_bw and eff_compute
  mfu_bp             INTEGER CHECK (mfu_bp IS NULL OR mfu_bp BETWEEN 1 AND 10000),
                     -- training: model FLOPs utilisation of dense models against the 16-bit peak
  mfu_moe_bp         INTEGER CHECK (mfu_moe_bp IS NULL OR mfu_moe_bp BETWEEN 1 AND 10000),
                     -- training: the same for mixture-of-experts models (active parameters)
  source             TEXT NOT NULL CHECK (length(source) > 0),
  as_of              TEXT CHECK (as_of IS NULL OR date(as_of, '+0 days') IS as_of),
  notes              TEXT,
  PRIMARY KEY (runtime, architecture)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER runtime_efficiency_insert BEFORE INSERT ON runtime_efficiency BEGIN
  SELECT RAISE(ABORT, 'runtime_efficiency: unknown runtime (see the runtime table)')
   WHERE NOT EXISTS (SELECT 1 FROM runtime WHERE name = NEW.runtime);
  SELECT RAISE(ABORT, 'runtime_efficiency: source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.source GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'runtime_efficiency: notes holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.notes GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER runtime_efficiency_update BEFORE UPDATE ON runtime_efficiency BEGIN
  SELECT RAISE(ABORT, 'runtime_efficiency: unknown runtime (see the runtime table)')
   WHERE NOT EXISTS (SELECT 1 FROM runtime WHERE name = NEW.runtime);
  SELECT RAISE(ABORT, 'runtime_efficiency: source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.source GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'runtime_efficiency: notes holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.notes GLOB (SELECT glob FROM control_character);
END;

-- A runtime named by efficiency rows keeps its name while they exist.
CREATE TRIGGER runtime_delete_efficiency BEFORE DELETE ON runtime BEGIN
  SELECT RAISE(ABORT, 'runtime: still named by runtime_efficiency rows; delete them first')
   WHERE EXISTS (SELECT 1 FROM runtime_efficiency WHERE runtime = OLD.name);
END;

CREATE TRIGGER runtime_rename_efficiency BEFORE UPDATE OF name ON runtime
  WHEN NEW.name IS NOT OLD.name COLLATE NOCASE BEGIN
  SELECT RAISE(ABORT, 'runtime: still named by runtime_efficiency rows; change them first')
   WHERE EXISTS (SELECT 1 FROM runtime_efficiency WHERE runtime = OLD.name);
END;

-- The new text column of gpu, held like the others (0002's checklist).
CREATE TRIGGER no_control_chars_gpu_perf_insert BEFORE INSERT ON gpu BEGIN
  SELECT RAISE(ABORT, 'gpu: perf_source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.perf_source GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_gpu_perf_update BEFORE UPDATE OF perf_source ON gpu BEGIN
  SELECT RAISE(ABORT, 'gpu: perf_source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.perf_source GLOB (SELECT glob FROM control_character);
END;

-- What db check lists beyond the other catalog_issue views (db check reads
-- every view named catalog_issue*): figures that contradict each other.
-- Missing figures are not listed: a catalog file migrated from an older
-- schema has none (no link, no runtime_efficiency rows) and must still pass
-- db check; the speed estimate says what it lacks when asked for one.
CREATE VIEW catalog_issue_performance AS
  -- Sanity problems of the performance data; an empty view is a healthy catalog.
  SELECT 'gpu' AS kind, sku, 'link ' || link || ' without link_gbs' AS problem
    FROM gpu WHERE link IS NOT NULL AND link_gbs IS NULL
  UNION ALL
  SELECT 'gpu', sku, 'link_gbs without a link kind'
    FROM gpu WHERE link IS NULL AND link_gbs IS NOT NULL
  UNION ALL
  SELECT 'gpu', sku, 'link ' || link || ' without allreduce_latency_us (tensor parallelism cannot be timed)'
    FROM gpu WHERE link IS NOT NULL AND allreduce_latency_us IS NULL
  UNION ALL
  SELECT 'gpu', sku, 'allreduce_busbw_gbs ' || allreduce_busbw_gbs || ' is more than twice link_gbs ' || link_gbs
    FROM gpu WHERE allreduce_busbw_gbs > 2 * link_gbs
  UNION ALL
  SELECT 'gpu', sku, 'tflops_fp4 ' || tflops_fp4 || ' is below tflops_fp8 ' || tflops_fp8
    FROM gpu WHERE tflops_fp4 < tflops_fp8
  UNION ALL
  SELECT 'gpu', sku, 'tflops_fp8 ' || tflops_fp8 || ' is below tflops_bf16 ' || tflops_bf16
    FROM gpu WHERE tflops_fp8 < tflops_bf16
  UNION ALL
  SELECT 'gpu', sku, 'performance figures without perf_source'
    FROM gpu WHERE perf_source IS NULL
     AND (tflops_fp4 IS NOT NULL OR link IS NOT NULL OR allreduce_busbw_gbs IS NOT NULL)
  UNION ALL
  SELECT 'runtime_efficiency', runtime || '/' || architecture, 'unknown runtime ' || runtime
    FROM runtime_efficiency e WHERE NOT EXISTS (SELECT 1 FROM runtime r WHERE r.name = e.runtime)
  UNION ALL
  SELECT 'runtime_efficiency', runtime || '/' || architecture,
         'architecture ' || architecture || ' is not the architecture of any GPU'
    FROM runtime_efficiency e WHERE architecture <> '*'
     AND NOT EXISTS (SELECT 1 FROM gpu g WHERE g.architecture = e.architecture)
  UNION ALL
  SELECT 'runtime_efficiency', runtime || '/' || architecture,
         'eff_prefill_bp ' || eff_prefill_bp || ' is below eff_compute_bp ' || eff_compute_bp
         || ' (prefill runs the longer, more efficient matrix products)'
    FROM runtime_efficiency WHERE eff_prefill_bp < eff_compute_bp
  UNION ALL
  SELECT 'runtime_efficiency', runtime || '/' || architecture, 'text holds a control character (U+0001-U+001F or U+007F-U+009F)'
    FROM runtime_efficiency WHERE source GLOB (SELECT glob FROM control_character)
     OR notes GLOB (SELECT glob FROM control_character);
