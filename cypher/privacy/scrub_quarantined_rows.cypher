// Erase the raw text of quarantined rows that carried an erased person's data; the reason goes
// too, since a contract's message quotes the failing value. The row stays, counted.
// Params: $row_ids: [string], $erasure_id, $at: datetime.
// Returns: scrubbed.
UNWIND $row_ids AS id
MATCH (q:QuarantinedRow {row_id: id})
SET q.raw = null, q.reason = 'erased (' + $erasure_id + ')', q.erased_at = $at,
    q.erasure_id = $erasure_id
RETURN count(q) AS scrubbed
