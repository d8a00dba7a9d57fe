// The range indexes on the CustomerRecord blocking keys (rk_*, models/resolution/blocking_keys.py)
// that an incremental run looks its candidates up in. Every run ensures them first (a no-op
// when they exist); a full run that rewrites most keys drops them and runs this file after
// its write, because populating an index in one scan costs far less than updating it row by
// row (bench/README.md). Statements are split on `;` and run in one schema transaction.
// Params: none.
CREATE INDEX customer_record_rk_email IF NOT EXISTS FOR (n:CustomerRecord) ON (n.rk_email);
CREATE INDEX customer_record_rk_phone IF NOT EXISTS FOR (n:CustomerRecord) ON (n.rk_phone);
CREATE INDEX customer_record_rk_email_local IF NOT EXISTS FOR (n:CustomerRecord) ON (n.rk_email_local);
CREATE INDEX customer_record_rk_last_postcode IF NOT EXISTS FOR (n:CustomerRecord) ON (n.rk_last_postcode);
CREATE INDEX customer_record_rk_last_employer IF NOT EXISTS FOR (n:CustomerRecord) ON (n.rk_last_employer);
CREATE INDEX customer_record_rk_first_last3 IF NOT EXISTS FOR (n:CustomerRecord) ON (n.rk_first_last3);
CREATE INDEX customer_record_rk_first_employer IF NOT EXISTS FOR (n:CustomerRecord) ON (n.rk_first_employer);
CREATE INDEX customer_record_rk_initial_last_city IF NOT EXISTS FOR (n:CustomerRecord) ON (n.rk_initial_last_city);
CREATE INDEX customer_record_rk_email_user IF NOT EXISTS FOR (n:CustomerRecord) ON (n.rk_email_user);
CREATE INDEX customer_record_rk_name_key IF NOT EXISTS FOR (n:CustomerRecord) ON (n.rk_name_key);
CREATE INDEX customer_record_rk_name_key_canon IF NOT EXISTS FOR (n:CustomerRecord) ON (n.rk_name_key_canon);
CREATE INDEX customer_record_rk_initial_key IF NOT EXISTS FOR (n:CustomerRecord) ON (n.rk_initial_key);
