// The range indexes on the AccountRecord blocking keys (rk_*, models/resolution/blocking_keys.py)
// that an incremental run looks its candidates up in. Every run ensures them first (a no-op
// when they exist); a full run that rewrites most keys drops them and runs this file after
// its write, because populating an index in one scan costs far less than updating it row by
// row (bench/README.md). Statements are split on `;` and run in one schema transaction.
// Params: none.
CREATE INDEX account_record_rk_name IF NOT EXISTS FOR (n:AccountRecord) ON (n.rk_name);
CREATE INDEX account_record_rk_domain IF NOT EXISTS FOR (n:AccountRecord) ON (n.rk_domain);
CREATE INDEX account_record_rk_name4_country IF NOT EXISTS FOR (n:AccountRecord) ON (n.rk_name4_country);
