// Remove derived Customer-WORKS_AT->Account links that the current run did not confirm.
// Params: $run_id.   Returns: pruned.
MATCH (:Customer)-[w:WORKS_AT]->(:Account)
WHERE w.source_system = 'resolution' AND w.last_run <> $run_id
DELETE w
RETURN count(*) AS pruned
