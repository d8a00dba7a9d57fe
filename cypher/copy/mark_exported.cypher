// Remember which approved drafts went into an export file, so the next export does not send
// them again (`copy export --again` includes them).
// Params: $draft_ids: [string], $at: datetime, $file: string (the file's name, no folder).
// Returns: marked.
UNWIND $draft_ids AS id
MATCH (d:CopyDraft {draft_id: id})
SET d.exported_at = $at, d.exported_to = $file
RETURN count(d) AS marked
