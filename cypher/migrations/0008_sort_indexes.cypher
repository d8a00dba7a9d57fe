// Migration 0008: range indexes that let the API's name-sorted lists seek and read in index
// order (customer_records_by_name*.cypher, account_records_by_name*.cypher): a page of 20 reads
// ~20 index entries instead of sorting every matching record.
CREATE INDEX customer_record_full_name IF NOT EXISTS FOR (n:CustomerRecord) ON (n.full_name);
CREATE INDEX account_record_name IF NOT EXISTS FOR (n:AccountRecord) ON (n.name);
