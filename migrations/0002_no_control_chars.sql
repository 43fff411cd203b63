-- 0002_no_control_chars.sql: text that gpusizer prints holds no control
-- characters, and db check lists the rows that break the rules the 0001
-- triggers hold writes to.
--
-- A control character in a catalog string (an escape sequence in a GPU
-- name, a newline in a SKU) would act on the terminal of whoever lists the
-- catalog, or break the lines and tables gpusizer prints. The triggers
-- below refuse C0 controls (U+0001-U+001F: tab and newline too; every
-- catalog string is one line), DEL (U+007F) and C1 controls
-- (U+0080-U+009F) in every text column whose values are not already held
-- to a fixed alphabet by a CHECK (SKUs, currency codes, kinds, dates and
-- enumerations are). A NUL is refused by the loader, since GLOB cannot
-- match one.
--
-- Rows written before this migration are not changed; catalog_issue, the
-- view db check reads, now lists them, and also the rows the 0001 triggers
-- refuse but a file can still hold (written with those triggers dropped):
-- price and inventory rows naming an unknown item, and server_gpu rows
-- whose GPU form factor or count the server does not take.
--
-- The triggers are named no_control_chars_<table>_insert/_update, so that
-- a test (or a maintainer) can find and drop them all.
--
-- Checklist: a new text column of a later migration gets a check in both
-- triggers of its table and a row in catalog_issue.

CREATE VIEW control_character AS
  -- The GLOB pattern of text holding a control character. GLOB compares
  -- code points, so the class holds C0, DEL and the two-byte C1 controls.
  SELECT '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AS glob;

-- Writes: one trigger per table and kind of write, one check per column.

CREATE TRIGGER no_control_chars_currency_insert BEFORE INSERT ON currency BEGIN
  SELECT RAISE(ABORT, 'currency: name holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.name GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_currency_update BEFORE UPDATE OF name ON currency BEGIN
  SELECT RAISE(ABORT, 'currency: name holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.name GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_number_format_insert BEFORE INSERT ON number_format BEGIN
  SELECT RAISE(ABORT, 'number_format: name holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.name GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'number_format: description holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.description GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'number_format: source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.source GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_number_format_update BEFORE UPDATE OF name, description, source ON number_format BEGIN
  SELECT RAISE(ABORT, 'number_format: name holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.name GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'number_format: description holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.description GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'number_format: source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.source GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_form_factor_insert BEFORE INSERT ON form_factor BEGIN
  SELECT RAISE(ABORT, 'form_factor: name holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.name GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'form_factor: description holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.description GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_form_factor_update BEFORE UPDATE OF name, description ON form_factor BEGIN
  SELECT RAISE(ABORT, 'form_factor: name holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.name GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'form_factor: description holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.description GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_gpu_insert BEFORE INSERT ON gpu BEGIN
  SELECT RAISE(ABORT, 'gpu: vendor holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.vendor GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'gpu: name holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.name GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'gpu: form_factor holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.form_factor GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'gpu: memory_type holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.memory_type GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'gpu: interconnect holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.interconnect GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'gpu: usable_basis holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.usable_basis GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'gpu: source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.source GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'gpu: notes holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.notes GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_gpu_update BEFORE UPDATE OF vendor, name, form_factor, memory_type, interconnect, usable_basis, source, notes ON gpu BEGIN
  SELECT RAISE(ABORT, 'gpu: vendor holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.vendor GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'gpu: name holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.name GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'gpu: form_factor holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.form_factor GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'gpu: memory_type holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.memory_type GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'gpu: interconnect holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.interconnect GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'gpu: usable_basis holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.usable_basis GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'gpu: source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.source GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'gpu: notes holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.notes GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_gpu_alias_insert BEFORE INSERT ON gpu_alias BEGIN
  SELECT RAISE(ABORT, 'gpu_alias: alias holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.alias GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'gpu_alias: gpu_sku holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.gpu_sku GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_gpu_alias_update BEFORE UPDATE OF alias, gpu_sku ON gpu_alias BEGIN
  SELECT RAISE(ABORT, 'gpu_alias: alias holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.alias GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'gpu_alias: gpu_sku holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.gpu_sku GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_server_insert BEFORE INSERT ON server BEGIN
  SELECT RAISE(ABORT, 'server: vendor holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.vendor GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'server: name holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.name GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'server: gpu_form_factor holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.gpu_form_factor GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'server: psu_config holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.psu_config GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'server: cpu holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.cpu GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'server: gpu_fabric holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.gpu_fabric GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'server: source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.source GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'server: notes holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.notes GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_server_update BEFORE UPDATE OF vendor, name, gpu_form_factor, psu_config, cpu, gpu_fabric, source, notes ON server BEGIN
  SELECT RAISE(ABORT, 'server: vendor holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.vendor GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'server: name holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.name GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'server: gpu_form_factor holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.gpu_form_factor GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'server: psu_config holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.psu_config GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'server: cpu holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.cpu GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'server: gpu_fabric holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.gpu_fabric GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'server: source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.source GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'server: notes holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.notes GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_server_gpu_insert BEFORE INSERT ON server_gpu BEGIN
  SELECT RAISE(ABORT, 'server_gpu: server_sku holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.server_sku GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'server_gpu: gpu_sku holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.gpu_sku GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'server_gpu: source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.source GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_server_gpu_update BEFORE UPDATE OF server_sku, gpu_sku, source ON server_gpu BEGIN
  SELECT RAISE(ABORT, 'server_gpu: server_sku holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.server_sku GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'server_gpu: gpu_sku holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.gpu_sku GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'server_gpu: source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.source GLOB (SELECT glob FROM control_character);
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

CREATE TRIGGER no_control_chars_model_family_insert BEFORE INSERT ON model_family BEGIN
  SELECT RAISE(ABORT, 'model_family: name holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.name GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'model_family: description holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.description GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_model_family_update BEFORE UPDATE OF name, description ON model_family BEGIN
  SELECT RAISE(ABORT, 'model_family: name holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.name GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'model_family: description holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.description GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_model_insert BEFORE INSERT ON model BEGIN
  SELECT RAISE(ABORT, 'model: name holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.name GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'model: hf_id holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.hf_id GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'model: model_type holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.model_type GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'model: source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.source GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_model_update BEFORE UPDATE OF name, hf_id, model_type, source ON model BEGIN
  SELECT RAISE(ABORT, 'model: name holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.name GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'model: hf_id holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.hf_id GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'model: model_type holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.model_type GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'model: source holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.source GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_model_alias_insert BEFORE INSERT ON model_alias BEGIN
  SELECT RAISE(ABORT, 'model_alias: alias holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.alias GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'model_alias: model_name holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.model_name GLOB (SELECT glob FROM control_character);
END;

CREATE TRIGGER no_control_chars_model_alias_update BEFORE UPDATE OF alias, model_name ON model_alias BEGIN
  SELECT RAISE(ABORT, 'model_alias: alias holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.alias GLOB (SELECT glob FROM control_character);
  SELECT RAISE(ABORT, 'model_alias: model_name holds a control character (U+0001-U+001F or U+007F-U+009F)')
   WHERE NEW.model_name GLOB (SELECT glob FROM control_character);
END;

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

-- What db check lists.

DROP VIEW catalog_issue;

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
    FROM runtime WHERE source GLOB (SELECT glob FROM control_character);
