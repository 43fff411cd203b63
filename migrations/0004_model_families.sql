-- 0004_model_families.sql: the model families of issue 14 (Llama 4, gpt-oss,
-- Qwen3-MoE, Gemma 3) and the one architecture field they add.
--
-- model_family rows are the families src/sizing/model_count.c has counting
-- rules for; they change with the code, so they live here (see 0001).
--
-- Which layers are MoE layers: until now every layer from
-- first_k_dense_replace on. Llama 4 Maverick alternates dense and MoE
-- layers (config.json interleave_moe_layer_step 2: layers 1, 3, 5, ...),
-- and Qwen3-MoE's decoder_sparse_step says the same. model_moe_step holds
-- that step for the models that write one; a model without a row has MoE
-- in every layer, so the rows written before this migration keep their
-- meaning.
--
-- Why a table and not a model column: ALTER TABLE ADD COLUMN on a STRICT
-- table makes SQLite re-check the table with pragma_quick_check, and the
-- migration runner refuses every PRAGMA; rebuilding model would mean
-- rebuilding its triggers and the views that name it.
--
-- model_name needs no control-character check of its own (0002's
-- checklist): the foreign key and the insert trigger hold it to an existing
-- model name, and those are checked.
--
-- Checklist: the loader reads moe_layer_step with the model rows
-- (src/catalog/load.c, the model query and read_model) into
-- gsz_arch.moe_layer_step (include/gpusizer/records.h).

CREATE TABLE model_moe_step (
  -- MoE layers of a model are every Nth from first_k_dense_replace on: layer i (0-based) when
  -- (i + 1) % moe_layer_step = 0 (HF: interleave_moe_layer_step, decoder_sparse_step).
  model_name     TEXT PRIMARY KEY COLLATE NOCASE REFERENCES model(name),
  moe_layer_step INTEGER NOT NULL CHECK (moe_layer_step > 0)
) STRICT;

CREATE TRIGGER model_moe_step_insert BEFORE INSERT ON model_moe_step BEGIN
  SELECT RAISE(ABORT, 'model_moe_step: unknown model_name (see the model table)')
   WHERE NOT EXISTS (SELECT 1 FROM model WHERE name = NEW.model_name);
END;

CREATE TRIGGER model_moe_step_update BEFORE UPDATE OF model_name ON model_moe_step BEGIN
  SELECT RAISE(ABORT, 'model_moe_step: unknown model_name (see the model table)')
   WHERE NOT EXISTS (SELECT 1 FROM model WHERE name = NEW.model_name);
END;

CREATE TRIGGER model_delete_moe_step BEFORE DELETE ON model BEGIN
  SELECT RAISE(ABORT, 'model: still named by a model_moe_step row; delete it first')
   WHERE EXISTS (SELECT 1 FROM model_moe_step WHERE model_name = OLD.name);
END;

INSERT INTO model_family (name, description) VALUES
  ('qwen3_moe', 'Qwen3-MoE: Qwen3 attention (q/k norm), routed experts of moe_intermediate_size, no shared expert'),
  ('gemma3', 'Gemma 3: Gemma 2 layout with q/k norm, 5 sliding-window layers to 1 global; the text model of multimodal checkpoints'),
  ('llama4', 'Llama 4: MoE with one shared expert, optionally interleaved with dense layers, chunked attention; the text model only'),
  ('gpt_oss', 'gpt-oss: attention biases and sinks, experts and router with biases, alternating 128-token sliding window');
