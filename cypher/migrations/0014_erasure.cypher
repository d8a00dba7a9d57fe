// Migration 0014: one (:ErasureRequest) per erasure (cypher/privacy/erase_records.cypher), so
// repeating a request with the same id adds nothing.
CREATE CONSTRAINT erasure_request_id IF NOT EXISTS
FOR (n:ErasureRequest) REQUIRE n.erasure_id IS UNIQUE;
