// Migration 0009: blocking keys of entity resolution on the source records (rk_*), so an
// incremental run finds the existing records its new ones could match by index lookups
// instead of reading every record (models/resolution/blocking_keys.py).
CREATE INDEX customer_record_rk_email IF NOT EXISTS FOR (n:CustomerRecord) ON (n.rk_email);
CREATE INDEX customer_record_rk_phone IF NOT EXISTS FOR (n:CustomerRecord) ON (n.rk_phone);
CREATE INDEX customer_record_rk_first_last IF NOT EXISTS FOR (n:CustomerRecord) ON (n.rk_first_last);
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
CREATE INDEX account_record_rk_name IF NOT EXISTS FOR (n:AccountRecord) ON (n.rk_name);
CREATE INDEX account_record_rk_domain IF NOT EXISTS FOR (n:AccountRecord) ON (n.rk_domain);
CREATE INDEX account_record_rk_name4_country IF NOT EXISTS FOR (n:AccountRecord) ON (n.rk_name4_country);
