// API: how many copy drafts match copy_drafts.cypher's filters (its totalCount, run only when a
// client selects totalCount).
// Params: $status: string|null; $customer_id: string|null.
// Returns: total: int.
MATCH (d:CopyDraft)
WHERE ($status IS NULL OR d.status = $status)
  AND ($customer_id IS NULL OR d.customer_id = $customer_id)
RETURN count(d) AS total
