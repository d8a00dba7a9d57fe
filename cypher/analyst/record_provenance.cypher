// Provenance of one record and everything written about it: which source, which ingest runs,
// when first and last seen. Params: $record_id (e.g. 'crm:C0000001').
MATCH (r:CustomerRecord {record_id: $record_id})
OPTIONAL MATCH (r)-[rel]-(other)
RETURN r.record_id AS record, r.source_system AS source, r.source_id AS source_id,
       r.first_run AS first_run, r.last_run AS last_run, r.first_seen AS first_seen,
       r.last_seen AS last_seen,
       collect({type: type(rel), other: coalesce(other.record_id, other.interaction_id, other.name),
                source: rel.source_system, first_run: rel.first_run})[..25] AS relationships
