// Remove the derived WORKS_AT links of the given customers that run $run_id did not confirm:
// the incremental and unmerge counterpart of prune_customer_works_at.cypher, bounded to the
// people whose links were just derived again.
// Params: $ids: [customer_id], $run_id.   Returns: pruned.
UNWIND $ids AS id
MATCH (:Customer {customer_id: id})-[w:WORKS_AT]->(:Account)
WHERE w.source_system = 'resolution' AND w.last_run <> $run_id
DELETE w
RETURN count(*) AS pruned
