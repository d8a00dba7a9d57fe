// How much content is embedded: the `copy embed` summary and a test's check.
// Params: none.
// Returns: total, embedded, missing (content with text but no embedding).
MATCH (c:Content)
WHERE c.title IS NOT NULL OR c.body IS NOT NULL
RETURN count(c) AS total, count(c.embedding) AS embedded,
       count(c) - count(c.embedding) AS missing
