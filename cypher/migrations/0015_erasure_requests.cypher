// Migration 0015: a range index on the erasure requests an erasure log flagged
// (cypher/ingest/erasure_requests.cypher), so finding the ones still to honour
// (cypher/privacy/requested_erasures.cypher) is an index seek, not a scan of every record.
CREATE INDEX customer_record_erasure_requested_at IF NOT EXISTS
FOR (n:CustomerRecord) ON (n.erasure_requested_at);
