// Record that a migration file was applied (once; re-recording changes nothing).
// Params: $version, $name, $checksum.
MERGE (m:Migration {version: $version})
  ON CREATE SET m.name = $name, m.checksum = $checksum, m.applied_at = datetime(),
                m.source_system = 'marketgraph', m.source_id = $name,
                m.first_seen = datetime(), m.first_run = 'migration-' + $version
