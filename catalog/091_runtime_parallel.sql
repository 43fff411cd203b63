-- 091_runtime_parallel.sql: non-torch memory per GPU by parallel degree (table runtime_parallel,
-- migrations/0006_memory_model.sql): in_budget_bytes inside util x visible, outside_bytes taken before the
-- budget (CUDA context and NCCL communicators: vLLM initialises NCCL before its memory snapshot since
-- PR #25359). The row with the largest tp <= the layout's, then the largest pp, applies.
-- vLLM v0.19.0 figures: llm-d-planner accuracy runs on H100 80GB (results_raw.csv, 2026-04-22), 52+ runs;
-- GiB to bytes as round(GiB * 2^30). At TP 1 vLLM creates no NCCL communicator.
INSERT INTO runtime_parallel (runtime, tp, pp, in_budget_bytes, outside_bytes, source) VALUES ('vllm', 1, 1, 268435456, 547608330, 'vLLM v0.19.0, H100, TP 1: non-torch forward increase 0.24-0.26 GiB, 0.51 GiB in the snapshot (llm-d results_raw.csv)');
INSERT INTO runtime_parallel (runtime, tp, pp, in_budget_bytes, outside_bytes, source) VALUES ('vllm', 2, 1, 2222645576, 1621350154, 'vLLM v0.19.0, H100, TP 2: non-torch 2.06-2.11 GiB, 1.51 GiB in the snapshot (1.99 for MoE and vision models)');
INSERT INTO runtime_parallel (runtime, tp, pp, in_budget_bytes, outside_bytes, source) VALUES ('vllm', 4, 1, 2287070085, 1642824991, 'vLLM v0.19.0, H100, TP 4: non-torch 2.13-2.21 GiB, 1.53-1.55 GiB in the snapshot');
INSERT INTO runtime_parallel (runtime, tp, pp, in_budget_bytes, outside_bytes, source) VALUES ('vllm', 1, 2, 75161928, 1535450808, 'vLLM v0.19.0, H100, PP 2 and 4 (first rank): non-torch 0.07 GiB, 1.43-1.48 GiB in the snapshot');
INSERT INTO runtime_parallel (runtime, tp, pp, in_budget_bytes, outside_bytes, source) VALUES ('vllm-0.21', 1, 1, 268435456, 547608330, 'v0.19.0 figures (TP 1), not re-measured on v0.21');
INSERT INTO runtime_parallel (runtime, tp, pp, in_budget_bytes, outside_bytes, source) VALUES ('vllm-0.21', 2, 1, 2222645576, 1621350154, 'v0.19.0 figures (TP 2), not re-measured on v0.21');
INSERT INTO runtime_parallel (runtime, tp, pp, in_budget_bytes, outside_bytes, source) VALUES ('vllm-0.21', 4, 1, 2287070085, 1642824991, 'v0.19.0 figures (TP 4), not re-measured on v0.21');
INSERT INTO runtime_parallel (runtime, tp, pp, in_budget_bytes, outside_bytes, source) VALUES ('vllm-0.21', 1, 2, 75161928, 1535450808, 'v0.19.0 figures (PP 2), not re-measured on v0.21');
INSERT INTO runtime_parallel (runtime, tp, pp, in_budget_bytes, outside_bytes, source) VALUES ('vllm-0.16', 1, 1, 139586437, 547608330, 'llm-d version sweep, v0.15-v0.17, TP 1: non-torch 0.13 GiB; the 0.51 GiB outside the budget is v0.19.0''s');
INSERT INTO runtime_parallel (runtime, tp, pp, in_budget_bytes, outside_bytes, source) VALUES ('vllm-0.16', 2, 1, 590558003, 1621350154, 'llm-d Jan-2026 runs (vllm-openai:latest), TP 2: non-torch 0.54-0.55 GiB; the 1.51 GiB outside the budget is v0.19.0''s');
