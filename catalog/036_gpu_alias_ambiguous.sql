-- 036_gpu_alias_ambiguous.sql: names users type that could mean several GPUs. A request naming
-- one is refused with these candidates listed instead of guessed (migrations/0005). A name here
-- is neither a gpu_alias nor a GPU SKU, so plain aliases of 035 that would guess are dropped.
-- in_catalog = 0 names a product this catalog does not hold; its note says what it is.
-- Checklist: migrations/0005_catalog_maintenance.sql makes the same change to files of 0.1.x.
DELETE FROM gpu_alias WHERE alias IN ('RTX-6000', 'RTX-PRO-6000');
-- "RTX 6000": three NVIDIA cards of three generations carry the name.
INSERT INTO gpu_alias_ambiguous (alias, candidate, in_catalog, note) VALUES ('RTX-6000', 'RTX-6000-ADA', 1, 'RTX 6000 Ada Generation: 48 GB GDDR6, 2022');
INSERT INTO gpu_alias_ambiguous (alias, candidate, in_catalog, note) VALUES ('RTX-6000', 'RTX-PRO-6000-BW', 1, 'RTX PRO 6000 Blackwell: 96 GB GDDR7, 2025 (sold as "RTX 6000 Pro")');
INSERT INTO gpu_alias_ambiguous (alias, candidate, in_catalog, note) VALUES ('RTX-6000', 'QUADRO-RTX-6000', 0, 'Quadro RTX 6000 (Turing): 24 GB GDDR6, 2018');
-- "RTX PRO 6000": the Blackwell card comes as Workstation, Max-Q and Server Editions, with
-- different power and cooling (catalog/030_gpu.sql; NVIDIA RTX PRO 6000 Blackwell product pages).
INSERT INTO gpu_alias_ambiguous (alias, candidate, in_catalog, note) VALUES ('RTX-PRO-6000', 'RTX-PRO-6000-BW', 1, 'Workstation Edition: 600 W, active cooling');
INSERT INTO gpu_alias_ambiguous (alias, candidate, in_catalog, note) VALUES ('RTX-PRO-6000', 'RTX-PRO-6000-BW-MAXQ', 1, 'Max-Q Workstation Edition: 300 W');
INSERT INTO gpu_alias_ambiguous (alias, candidate, in_catalog, note) VALUES ('RTX-PRO-6000', 'RTX-PRO-6000-BW-SE', 1, 'Server Edition: passive, 600 W, for rack servers');
-- "GB300" names the GPU of the GB300 NVL72 rack, which this catalog holds (035: alias of
-- B300-GB300-279GB); files of 0.1.x mapped it to the HGX B300, which migration 0005 makes ambiguous.
