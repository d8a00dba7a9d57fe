// Erase the raw text of quarantined rows that carried an erased person's data; the reason goes
// too, since a contract's message quotes the failing value. The row stays, counted. Found by id
// (their preview named the person) and by where they came from (the quarantine file's lines
// that named the person, possibly beyond the 2,000-character preview their node keeps).
// Params: $row_ids: [string], $located: [{source_type, file, row_number}], $erasure_id,
//   $reason (what replaces the reason: the quarantine files get the same), $at: datetime.
// Returns: scrubbed.
CALL () {
  UNWIND $row_ids AS id
  MATCH (q:QuarantinedRow {row_id: id})
  RETURN q
  UNION
  UNWIND $located AS place
  MATCH (q:QuarantinedRow {source_type: place.source_type})
  WHERE q.file = place.file AND q.row_number = place.row_number
  RETURN q
}
SET q.raw = null, q.reason = $reason, q.erased_at = $at,
    q.erasure_id = $erasure_id
RETURN count(q) AS scrubbed
