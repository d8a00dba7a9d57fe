// Migration 0011: range indexes on when a source deleted a record (delete_records.cypher), so
// that each resolution run finds the deleted records still linked to an entity by an index
// seek (detach_deleted_*_records.cypher) instead of scanning every record.
CREATE INDEX customer_record_deleted_at IF NOT EXISTS FOR (n:CustomerRecord) ON (n.deleted_at);
CREATE INDEX account_record_deleted_at IF NOT EXISTS FOR (n:AccountRecord) ON (n.deleted_at);
