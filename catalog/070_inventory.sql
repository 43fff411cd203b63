-- 070_inventory.sql: SAMPLE stock for demos and tests -- not real stock (setting sample_stock = 1).
-- Locations SAMPLE-FRA1 / SAMPLE-DAL1. 8x H100 SXM + one SYS-821GE-TNHR are buildable; 16x L40S is not.
INSERT INTO inventory (kind, sku, location, on_hand, reserved, lead_time_days, as_of, note) VALUES ('gpu', 'H100-SXM5-80GB', 'SAMPLE-FRA1', 16, 8, 21, '2026-11-26', 'sample data, not real stock');
INSERT INTO inventory (kind, sku, location, on_hand, reserved, lead_time_days, as_of, note) VALUES ('server', 'SYS-821GE-TNHR', 'SAMPLE-FRA1', 2, 1, 30, '2026-11-26', 'sample data, not real stock');
INSERT INTO inventory (kind, sku, location, on_hand, reserved, lead_time_days, as_of, note) VALUES ('gpu', 'L40S', 'SAMPLE-DAL1', 12, 0, 14, '2026-11-26', 'sample data, not real stock');
INSERT INTO inventory (kind, sku, location, on_hand, reserved, lead_time_days, as_of, note) VALUES ('server', 'SYS-421GE-TNRT', 'SAMPLE-DAL1', 2, 0, 28, '2026-11-26', 'sample data, not real stock');
INSERT INTO inventory (kind, sku, location, on_hand, reserved, lead_time_days, as_of, note) VALUES ('gpu', 'H200-SXM-141GB', 'SAMPLE-DAL1', 8, 8, 45, '2026-11-26', 'sample data, not real stock');
INSERT INTO inventory (kind, sku, location, on_hand, reserved, lead_time_days, as_of, note) VALUES ('gpu', 'RTX-6000-ADA', 'SAMPLE-FRA1', 4, 0, 10, '2026-11-26', 'sample data, not real stock');
INSERT INTO inventory (kind, sku, location, on_hand, reserved, lead_time_days, as_of, note) VALUES ('server', 'LAMBDA-VECTOR', 'SAMPLE-FRA1', 1, 0, 14, '2026-11-26', 'sample data, not real stock');
INSERT INTO inventory (kind, sku, location, on_hand, reserved, lead_time_days, as_of, note) VALUES ('gpu', 'MI300X', 'SAMPLE-DAL1', 8, 0, 35, '2026-11-26', 'sample data, not real stock');
INSERT INTO inventory (kind, sku, location, on_hand, reserved, lead_time_days, as_of, note) VALUES ('server', 'XE9680-OAM', 'SAMPLE-DAL1', 1, 0, 40, '2026-11-26', 'sample data, not real stock');
INSERT INTO inventory (kind, sku, location, on_hand, reserved, lead_time_days, as_of, note) VALUES ('gpu', 'L4', 'SAMPLE-FRA1', 20, 4, 7, '2026-11-26', 'sample data, not real stock');
INSERT INTO inventory (kind, sku, location, on_hand, reserved, lead_time_days, as_of, note) VALUES ('server', 'R760XA', 'SAMPLE-FRA1', 3, 3, 21, '2026-11-26', 'sample data, not real stock');
INSERT INTO inventory (kind, sku, location, on_hand, reserved, lead_time_days, as_of, note) VALUES ('nic', 'MCX75310AAS-NEAT', 'SAMPLE-FRA1', 16, 0, 14, '2026-11-30', 'sample data, not real stock');
INSERT INTO inventory (kind, sku, location, on_hand, reserved, lead_time_days, as_of, note) VALUES ('switch', 'MQM9700-NS2F', 'SAMPLE-FRA1', 1, 0, 30, '2026-11-30', 'sample data, not real stock');
INSERT INTO inventory (kind, sku, location, on_hand, reserved, lead_time_days, as_of, note) VALUES ('cable', 'MMA4Z00-NS', 'SAMPLE-FRA1', 8, 0, 21, '2026-11-30', 'sample data, not real stock');
INSERT INTO inventory (kind, sku, location, on_hand, reserved, lead_time_days, as_of, note) VALUES ('cable', 'MMA4Z00-NS400', 'SAMPLE-FRA1', 16, 0, 21, '2026-11-30', 'sample data, not real stock');
INSERT INTO inventory (kind, sku, location, on_hand, reserved, lead_time_days, as_of, note) VALUES ('cable', 'MFP7E10-Nxxx', 'SAMPLE-FRA1', 16, 0, 7, '2026-11-30', 'sample data, not real stock');
