-- 036_gpu_alias_ambiguous.sql: names users type that could mean several GPUs. A request naming
-- one is refused with these candidates listed instead of guessed (migrations/0003). A name here
-- is neither a gpu_alias nor a GPU SKU, so the two plain aliases of 035 that guessed are dropped.
-- in_catalog = 0 names a product this catalog does not hold; its note says what it is.
-- Checklist: migrations/0003_catalog_maintenance.sql makes the same change to files of 0.1.x.
DELETE FROM gpu_alias WHERE alias IN ('RTX-6000', 'GB300');
-- "RTX 6000": three NVIDIA cards of three generations carry the name.
INSERT INTO gpu_alias_ambiguous (alias, candidate, in_catalog, note) VALUES ('RTX-6000', 'RTX-6000-ADA', 1, 'RTX 6000 Ada Generation: 48 GB GDDR6, 2022');
INSERT INTO gpu_alias_ambiguous (alias, candidate, in_catalog, note) VALUES ('RTX-6000', 'RTX-PRO-6000-BW', 1, 'RTX PRO 6000 Blackwell: 96 GB GDDR7, 2025 (sold as "RTX 6000 Pro")');
INSERT INTO gpu_alias_ambiguous (alias, candidate, in_catalog, note) VALUES ('RTX-6000', 'QUADRO-RTX-6000', 0, 'Quadro RTX 6000 (Turing): 24 GB GDDR6, 2018');
-- "GB300" is the Grace Blackwell Ultra superchip of the GB300 NVL72 rack, not the B300 of an HGX
-- B300 board (catalog/README.md: rack-scale systems are left out of this catalog).
INSERT INTO gpu_alias_ambiguous (alias, candidate, in_catalog, note) VALUES ('GB300', 'GB300-NVL72', 0, 'the GPU of the GB300 NVL72 rack (72 GPUs, 36 Grace CPUs, liquid-cooled)');
INSERT INTO gpu_alias_ambiguous (alias, candidate, in_catalog, note) VALUES ('GB300', 'B300-SXM-288GB', 1, 'B300 on an HGX B300 board (8 per server): a different product, not "GB300"');
