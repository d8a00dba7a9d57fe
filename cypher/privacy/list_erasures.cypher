// Erasure requests, newest first — the proof that each was honoured: who erased which records,
// when, under which reference (a data-protection officer answering "what did you do with
// DSR-2026-114?"). Few nodes (one per request), so a label scan.
// Params: $reference: string|null (exact reference, or every request), $after: string|null
//   (the erasure_id of the last request listed: the page continues after it, in the same
//   order; an unknown id gives no rows), $limit: int.
// Returns: erasure_id, reference, requested_by, at (ISO text), record_ids.
OPTIONAL MATCH (last:ErasureRequest {erasure_id: $after})
MATCH (q:ErasureRequest)
WHERE ($reference IS NULL OR q.reference = $reference)
  AND ($after IS NULL OR q.at < last.at OR (q.at = last.at AND q.erasure_id < last.erasure_id))
WITH q ORDER BY q.at DESC, q.erasure_id DESC LIMIT $limit
OPTIONAL MATCH (q)-[:ERASED]->(r:CustomerRecord)
WITH q, r ORDER BY r.record_id
RETURN q.erasure_id AS erasure_id, q.reference AS reference, q.requested_by AS requested_by,
       toString(q.at) AS at, collect(r.record_id) AS record_ids
ORDER BY at DESC, erasure_id DESC
