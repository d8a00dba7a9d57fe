// Link prediction: a fingerprint of the graph state a model was trained on (its data snapshot).
// Params: none.   Returns: last_ingest_run, last_resolution_run, customers, products.
OPTIONAL MATCH (r:IngestRun) WITH max(r.run_id) AS last_ingest_run
OPTIONAL MATCH (rr:ResolutionRun) WITH last_ingest_run, max(rr.run_id) AS last_resolution_run
CALL () { MATCH (c:Customer) WHERE c.status = 'active' RETURN count(c) AS customers }
CALL () { MATCH (p:Product) RETURN count(p) AS products }
RETURN last_ingest_run, last_resolution_run, customers, products
