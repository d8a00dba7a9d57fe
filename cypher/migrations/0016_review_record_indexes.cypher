// Migration 0016: range indexes on the two records a review item pairs, so the reviews naming a
// person's records (cypher/privacy/personal_data.cypher) are index seeks, not a scan of every
// (:MatchReview).
CREATE INDEX match_review_record_a IF NOT EXISTS FOR (n:MatchReview) ON (n.record_a);
CREATE INDEX match_review_record_b IF NOT EXISTS FOR (n:MatchReview) ON (n.record_b);
