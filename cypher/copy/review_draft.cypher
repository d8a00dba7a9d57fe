// Record a reviewer's decision on a draft, only from an allowed current status (so a
// rejected draft cannot be approved, and guardrail failures can never be approved). Each
// decision is also appended to `review_history` ("approved by api:marketer at …: note"), so a
// withdrawn approval still says who approved it and why.
// Params: $draft_id, $status ('approved'|'rejected'), $from: [string] (allowed current
//   statuses), $reviewer: string, $reason: string or null, $now: string, $run_id: string.
// Returns: one row or none (unknown id): previous (status before), status (after),
//   changed (false when the current status did not allow the decision).
MATCH (d:CopyDraft {draft_id: $draft_id})
WITH d, d.status AS previous
CALL (d, previous) {
  WITH d WHERE previous IN $from AND coalesce(d.rails_passed, false)
  SET d.status = $status, d.reviewed_by = $reviewer, d.review_reason = $reason,
      d.reviewed_at = datetime($now), d.last_seen = datetime($now), d.last_run = $run_id,
      // a draft reviewed before histories were kept starts from its last decision
      d.review_history = coalesce(d.review_history,
        CASE WHEN d.reviewed_by IS NULL THEN [] ELSE [previous + ' by ' + d.reviewed_by +
          coalesce(' at ' + toString(d.reviewed_at), '') + coalesce(': ' + d.review_reason, '')]
        END) + [$status + ' by ' + $reviewer + ' at ' + $now + coalesce(': ' + $reason, '')]
  RETURN true AS changed
  UNION
  WITH d WHERE NOT (previous IN $from AND coalesce(d.rails_passed, false))
  RETURN false AS changed
}
RETURN previous, d.status AS status, changed
