// Other people's person records that share a postal address, a phone or an e-mail address
// with one person's records: a household (one street and postcode, one landline), a shared
// mailbox (info@…, a family's address). Their names and ids are what a right-of-access export
// must not disclose (GDPR art. 15(4)) in reviewers' notes, call notes and rejected rows that
// the shared value finds (models/privacy/third_parties.py).
// E-mail and phone by index, as stored (the caller passes each value also lower-cased); the
// postal address by a scan of the person records, which is rare: only when a person asks.
// Params: $record_ids: [string] (the person's own records), $emails: [string],
//   $phones: [string], $addresses: [string] ("street|postcode", lower case, spaces removed
//   from the postcode; empty: no scan).
// Returns: record_id, source_system, source_id, first_name, last_name, full_name, email, phone.
CALL () {
  UNWIND $emails AS email
  MATCH (r:CustomerRecord {email: email})
  RETURN r
  UNION
  UNWIND $phones AS phone
  MATCH (r:CustomerRecord {phone: phone})
  RETURN r
  UNION
  WITH $addresses AS addresses WHERE size(addresses) > 0
  MATCH (r:CustomerRecord)
  WHERE r.street IS NOT NULL AND r.postcode IS NOT NULL
    AND toLower(trim(r.street)) + '|' + toLower(replace(r.postcode, ' ', '')) IN addresses
  RETURN r
}
WITH DISTINCT r
WHERE NOT r.record_id IN $record_ids
RETURN r.record_id AS record_id, r.source_system AS source_system, r.source_id AS source_id,
       r.first_name AS first_name, r.last_name AS last_name, r.full_name AS full_name,
       r.email AS email, r.phone AS phone
ORDER BY record_id
