// Migration 0017: a range index on the customer an erased record left (`erased_customer`,
// cypher/privacy/erase_records.cypher), so a repeated erasure request for that customer
// (cypher/privacy/erasure_targets.cypher) is an index seek, not a scan of every person record.
CREATE INDEX customer_record_erased_customer IF NOT EXISTS FOR (n:CustomerRecord) ON (n.erased_customer);
