// Quarantined rows whose raw text or reason contains any of $needles (lower-cased source ids,
// e-mail addresses, phones of records being erased): candidates only — the caller keeps the
// rows where a needle is a whole field (models/privacy/erasure.py). A scan of the quarantined
// rows, which are few (rejected rows), and only when someone asks for an erasure.
// Params: $needles: [string] (lower case).
// Returns: row_id, raw, reason.
MATCH (q:QuarantinedRow)
WHERE q.raw IS NOT NULL
  AND any(needle IN $needles WHERE toLower(q.raw) CONTAINS needle
                                   OR toLower(coalesce(q.reason, '')) CONTAINS needle)
RETURN q.row_id AS row_id, q.raw AS raw, q.reason AS reason
