"""Other people in a right-of-access export (GDPR art. 15(4)): left out or redacted.

A copy of a person's data must not disclose other people's. The graph holds some other
people's data right beside the person's: the other side of a pair a reviewer judged, and the
people who share a postal address, a phone or an e-mail address with them (a household, a
family's or a team's mailbox). What this module decides, and why:

- **Reviewers' notes on a pair with another person's record** (the pair was rejected, or a
  split sent the other record elsewhere) are withheld: such a note compares two people
  ("not her — her husband Tom, same address"), and free text cannot be split reliably into
  the part about each. What the person is entitled to stays: that the pair was reviewed,
  the decision, who made it, when, and the model's evidence; the note's place says it was
  withheld, so whoever answers the request can read it and release what is the person's.
  Notes made by an operation (unmerge, rejoin) name event ids only and stay.
- **Notes about the person's own records** (review notes on a pair of their own records,
  call notes on their calls) are theirs and stay, with what the graph knows identifies
  someone else replaced by ``[another person]``: the names, e-mail addresses and phones of
  the people who share an address, phone or e-mail with them, and ids of other people's
  records and customers. A first or last name the person shares (a family name) is theirs
  too and stays. Other words about others ("her husband") cannot be recognised; the export's
  docs say to read notes before sending.
- **Rejected (quarantined) rows** found by an e-mail or phone the person shares with someone
  else: a row that names another person's record (a housemate's own export row: their id
  is in it) is theirs and left out; one that names nobody the graph knows may be either's,
  so it is listed with its text and reason withheld (where it is, and which of the person's
  values it carries, stay), for a person to check by hand. A row that names one of the
  person's own records is theirs, whoever else shares its phone.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from graph.cypher_catalog import load_query
from graph.db import Database

#: Stands in a note for someone else's name, e-mail address or phone.
REDACTED: Final = "[another person]"
#: Stands for a record of someone else (a reviewed pair's other side, a record split off).
OTHER_RECORD: Final = "another person's record"
#: Stands for a unified customer that is someone else.
OTHER_CUSTOMER: Final = "another customer"
#: Replaces a reviewer's note on a pair with another person's record.
NOTE_WITHHELD: Final = (
    "withheld: a reviewer's note on a pair with another person's record, which may "
    "describe them too; read it in the graph and release what is this person's"
)
#: Replaces the text and reason of a rejected row that may be a housemate's.
ROW_WITHHELD: Final = (
    "withheld: it carries an e-mail address or phone another person holds too and names "
    "neither of them, so it may be theirs; check it by hand (file and row number)"
)
#: Decision origins of notes an operation wrote ("unmerge <event>"): no free text.
OPERATIONS: Final = frozenset({"unmerge", "rejoin"})
#: Name parts shorter than this are not redacted alone (initials, "Al" in every sentence).
MIN_NAME_PART: Final = 3
_RECORD_ID: Final = re.compile(r"\b(?:crm|shop|email|web|ads):[A-Za-z0-9][A-Za-z0-9_.\-]*")
_CUSTOMER_ID: Final = re.compile(r"\bcus-[0-9a-f]+\b")


@dataclass(frozen=True)
class Others:
    """The other people the graph knows share an address, phone or e-mail with the person."""

    ids_in: dict[str, set[str]] = field(default_factory=dict)  # system -> source ids (lower)
    contact: set[str] = field(default_factory=set)  # e-mails and phones they hold (lower)
    words: tuple[str, ...] = ()  # what identifies them in free text, longest first

    def redact(self, text: str, own: set[str], customers: set[str]) -> str:
        """``text`` without the names, e-mails and phones of these people, nor ids of records
        (``own`` are the person's) and customers that are not the person's."""
        for word in self.words:
            text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", REDACTED, text, flags=re.I)
        text = _RECORD_ID.sub(lambda m: m[0] if m[0] in own else OTHER_RECORD, text)
        return _CUSTOMER_ID.sub(lambda m: m[0] if m[0] in customers else OTHER_CUSTOMER, text)


def household(db: Database, records: list[dict[str, Any]]) -> Others:
    """Who shares a postal address, phone or e-mail with ``records`` (the person's, with
    their values) — everyone else's person record holding one of them."""
    emails: set[str] = set()
    phones: set[str] = set()
    addresses: set[str] = set()
    for record in records:
        for key, found in (("email", emails), ("phone", phones)):
            value = str(record.get(key) or "").strip()
            if value:
                found.update({value, value.lower()})
        street, postcode = record.get("street"), record.get("postcode")
        if street and postcode:
            addresses.add(f"{str(street).strip().lower()}|{str(postcode).replace(' ', '').lower()}")
    if not (emails or phones or addresses):
        return Others()
    rows = db.query(
        load_query("privacy/household"),
        {
            "record_ids": [str(r["record_id"]) for r in records], "emails": sorted(emails),
            "phones": sorted(phones), "addresses": sorted(addresses),
        },
    )  # fmt: skip
    return others_from(rows, records)


def others_from(rows: list[dict[str, Any]], records: list[dict[str, Any]]) -> Others:
    """``Others`` from their records (``household.cypher``'s rows); name parts the person's
    own ``records`` hold too (a family name) are not theirs to hide."""
    own_parts = {p.lower() for r in records for p in _name_parts(r)}
    ids_in: dict[str, set[str]] = defaultdict(set)
    contact: set[str] = set()
    words: set[str] = set()
    for row in rows:
        ids_in[str(row["source_system"])].add(str(row["source_id"]).lower())
        for key in ("email", "phone"):
            if row.get(key) and str(row[key]).strip():
                contact.add(str(row[key]).strip().lower())
                words.add(str(row[key]).strip())
        first, last = row.get("first_name"), row.get("last_name")
        for name in (row.get("full_name"), f"{first} {last}" if first and last else None):
            if name and str(name).strip():
                words.add(str(name).strip())
        words.update(
            p for p in _name_parts(row) if len(p) >= MIN_NAME_PART and p.lower() not in own_parts
        )
    # The person's own name, e-mail or phone, shared with a housemate (a father and son both
    # John Smith, one landline), is still theirs to see.
    keys = ("email", "phone", "full_name")
    mine = {str(r.get(k) or "").strip().lower() for r in records for k in keys}
    mine |= {f"{r.get('first_name')} {r.get('last_name')}".lower() for r in records}
    words = {w for w in words if w.lower() not in mine}
    return Others(dict(ids_in), contact, tuple(sorted(words, key=lambda w: (-len(w), w))))


def _name_parts(record: dict[str, Any]) -> Iterable[str]:
    for key in ("first_name", "last_name", "full_name"):
        yield from str(record.get(key) or "").split()


def redact_notes(row: dict[str, Any], others: Others, own: set[str], customers: set[str]) -> None:
    """Withhold, in place, reviewers' notes on pairs with another person's record (a side
    the caller already masked as OTHER_RECORD) and redact the other notes."""
    for review in row["reviews"]:
        crossed = OTHER_RECORD in (review.get("record_a"), review.get("record_b"))
        for item in (review, *review.get("decisions", [])):
            note = item.get("note")
            if not note or item.get("origin") in OPERATIONS:
                continue
            item["note"] = NOTE_WITHHELD if crossed else others.redact(note, own, customers)
    for interaction in row["interactions"]:
        if interaction.get("notes"):
            interaction["notes"] = others.redact(str(interaction["notes"]), own, customers)


def names_someone_else(fields: set[str], systems: set[str] | None, others: Others) -> bool:
    """Whether a rejected row's ``fields`` hold the source id of another person's record, in
    an export of that record's system (``systems``; None: an export naming any system's)."""
    if systems is None:
        return any(fields & ids for ids in others.ids_in.values())
    return any(fields & others.ids_in.get(system, set()) for system in systems)
