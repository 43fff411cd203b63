-- 010_currency.sql: ISO 4217 currencies prices and overlays may use, with their minor-unit digits.
-- Source: ISO 4217 list of currency codes (iso.org/iso-4217-currency-codes.html), as of 2024.
INSERT INTO currency (code, minor_digits, name) VALUES ('USD', 2, 'US dollar');
INSERT INTO currency (code, minor_digits, name) VALUES ('EUR', 2, 'Euro');
INSERT INTO currency (code, minor_digits, name) VALUES ('GBP', 2, 'Pound sterling');
INSERT INTO currency (code, minor_digits, name) VALUES ('CHF', 2, 'Swiss franc');
INSERT INTO currency (code, minor_digits, name) VALUES ('SEK', 2, 'Swedish krona');
INSERT INTO currency (code, minor_digits, name) VALUES ('NOK', 2, 'Norwegian krone');
INSERT INTO currency (code, minor_digits, name) VALUES ('DKK', 2, 'Danish krone');
INSERT INTO currency (code, minor_digits, name) VALUES ('PLN', 2, 'Polish zloty');
INSERT INTO currency (code, minor_digits, name) VALUES ('CAD', 2, 'Canadian dollar');
INSERT INTO currency (code, minor_digits, name) VALUES ('AUD', 2, 'Australian dollar');
INSERT INTO currency (code, minor_digits, name) VALUES ('SGD', 2, 'Singapore dollar');
INSERT INTO currency (code, minor_digits, name) VALUES ('CNY', 2, 'Yuan renminbi');
INSERT INTO currency (code, minor_digits, name) VALUES ('INR', 2, 'Indian rupee');
INSERT INTO currency (code, minor_digits, name) VALUES ('AED', 2, 'UAE dirham');
INSERT INTO currency (code, minor_digits, name) VALUES ('JPY', 0, 'Yen');
INSERT INTO currency (code, minor_digits, name) VALUES ('KRW', 0, 'Won');
INSERT INTO currency (code, minor_digits, name) VALUES ('BHD', 3, 'Bahraini dinar');
INSERT INTO currency (code, minor_digits, name) VALUES ('KWD', 3, 'Kuwaiti dinar');
