// Withdraw the open review items that pair a record its source deleted: no one should judge
// a person who is gone (a reviewer's accept would bind nothing). Only undecided items go;
// decided ones keep their (:ReviewDecision) history. If the record comes back, the next run
// opens a fresh item when its pair is still uncertain.
// Params: $records: [record_id] (just detached, removals.py).
// Returns: withdrawn.
MATCH (m:MatchReview {status: 'open'})
WHERE (m.record_a IN $records OR m.record_b IN $records) AND NOT (m)-[:DECIDED]->()
DETACH DELETE m
RETURN count(*) AS withdrawn
