// Write top-K cross-sell recommendations of one model version, with the reasons and the graph
// facts behind each. Params: $rows: [{customer_id, sku, rank, score, confidence, reasons:[string],
//   facts:[string]}], $version, $at: ISO datetime.   Returns: written.
UNWIND $rows AS row
MATCH (c:Customer {customer_id: row.customer_id})
WHERE c.status = 'active'  // not one erased, retired or merged since the run read the graph
MATCH (p:Product {sku: row.sku})
// CREATE, not MERGE: write_scores deletes the version's edges first, and a MERGE on a
// relationship property made this the slowest step of a refresh (bench/README.md, jobs_bench).
CREATE (c)-[r:RECOMMENDED {model_version: $version}]->(p)
SET r.source_system = 'linkpred', r.source_id = $version,
    r.first_run = $version, r.first_seen = datetime($at),
    r.rank = row.rank, r.score = row.score, r.confidence = row.confidence,
    r.confidence_note = row.confidence_note, r.reasons = row.reasons, r.facts = row.facts,
    r.scored_at = datetime($at), r.last_run = $version, r.last_seen = datetime($at)
RETURN count(*) AS written
