"""Source-system records of the hidden people and companies, each system with its own habits.

The CRM holds mostly business contacts with work emails and an account; the shop holds
customers with a personal email, an address and a free-text company; the email tool holds
subscribers, often with no name at all; the website knows a minority of visitors by a form
fill and the rest only by a cookie id. Every system holds a share of people twice (two shop
accounts, a second subscription under another address), and the CRM holds some companies twice
under different spellings. Rates below are per system and picked to resemble real exports.

Record ids are assigned in order of creation, so an id says nothing about the person behind it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ingestion.demo_data import messiness as mess
from ingestion.demo_data import vocabulary as vocab
from ingestion.demo_data.population import Population
from ingestion.demo_data.timeline import ACTIVITY_START, DAY, END, between
from ingestion.demo_data.vector_strings import (
    STR,
    blank_where,
    bools,
    cat,
    choose_where,
    ids,
    iso_utc,
    pick,
    text,
)

_COUNTRY_CODES = np.asarray([c.code for c in vocab.COUNTRIES], dtype=object)


@dataclass(frozen=True)
class SourceRecords:
    """One system's records: the table to export and, hidden, whom each row is about."""

    table: pd.DataFrame
    person: np.ndarray  # hidden person (or company, for accounts) per row; -1 = unknown visitor
    created: np.ndarray  # seconds; when the record came into being


@dataclass(frozen=True)
class Identities:
    accounts: SourceRecords
    contacts: SourceRecords
    customers: SourceRecords
    subscribers: SourceRecords
    visitors: SourceRecords

    def ground_truth(self) -> pd.DataFrame:
        """Which hidden person or company each identifiable record belongs to."""
        parts = []
        sources = (
            ("crm", "contact_id", self.contacts, "person", "P", 7),
            ("shop", "customer_id", self.customers, "person", "P", 7),
            ("email", "subscriber_id", self.subscribers, "person", "P", 7),
            ("web", "visitor_id", self.visitors, "person", "P", 7),
            ("crm", "account_id", self.accounts, "company", "O", 6),
        )
        for source, key, records, entity_type, prefix, width in sources:
            known = records.person >= 0
            entity = text((records.person[known] + 1).astype(str)).str.pad(width, "left", "0")
            parts.append(
                pd.DataFrame(
                    {
                        "record_id": source
                        + ":"
                        + records.table[key][known].reset_index(drop=True),
                        "entity_type": entity_type,
                        "entity_id": prefix + entity,
                    }
                )
            )
        return pd.concat(parts, ignore_index=True)


def _members(
    rng: np.random.Generator, p: np.ndarray, dup_rate: float
) -> tuple[np.ndarray, np.ndarray]:
    """Persons in a system (probability ``p`` each) plus a duplicated share; (person, is_dup)."""
    members = np.flatnonzero(rng.random(len(p)) < p)
    dups = members[rng.random(len(members)) < dup_rate]
    person = np.concatenate([members, dups])
    return person, np.concatenate([np.zeros(len(members), bool), np.ones(len(dups), bool)])


def _created(rng: np.random.Generator, base: np.ndarray, is_dup: np.ndarray) -> np.ndarray:
    lag = rng.exponential(30 * DAY, size=len(base)).astype(np.int64)
    lag = np.where(is_dup, (rng.uniform(20, 600, size=len(base)) * DAY).astype(np.int64), lag)
    return np.minimum(base + lag, END - DAY - (rng.random(len(base)) * 5 * DAY).astype(np.int64))


def _updated(rng: np.random.Generator, created: np.ndarray) -> np.ndarray:
    return created + ((END - 1 - created) * rng.random(len(created)) ** 2).astype(np.int64)


def _in_order(
    table: pd.DataFrame, person: np.ndarray, created: np.ndarray, key: str, prefix: str, width: int
) -> SourceRecords:
    order = np.argsort(created, kind="stable")
    table = table.iloc[order].reset_index(drop=True)
    table.insert(0, key, ids(prefix, len(table), width))
    return SourceRecords(table, person[order], created[order])


def _email(
    rng: np.random.Generator, pop: Population, person: np.ndarray, p_work: float, p_alt: np.ndarray
) -> pd.Series:
    people = pop.people
    personal = pick(people["personal_email"].to_numpy(dtype=object), person)
    alt = pick(people["alt_email"].to_numpy(dtype=object), person)
    work = pick(people["work_email"].to_numpy(dtype=object), person)
    use_work = work.notna().to_numpy() & (rng.random(len(person)) < p_work)
    email = choose_where(
        use_work, work, choose_where(rng.random(len(person)) < p_alt, alt, personal)
    )
    capital = rng.random(len(person)) < 0.03
    rows = np.flatnonzero(capital & email.notna().to_numpy())
    email.iloc[rows] = [e.capitalize() for e in email.iloc[rows].tolist()]
    return email


def _names(
    rng: np.random.Generator,
    pop: Population,
    person: np.ndarray,
    is_dup: np.ndarray,
    rates: dict[str, float],
) -> tuple[pd.Series, pd.Series]:
    first = pick(pop.people["first"].to_numpy(dtype=object), person)
    last = pick(pop.people["last"].to_numpy(dtype=object), person)
    dup_rates = {k: min(0.6, v * 2.5) for k, v in rates.items()}
    f1, l1 = mess.personal_names(rng, first, last, rates)
    f2, l2 = mess.personal_names(rng, first, last, dup_rates)
    return choose_where(is_dup, f2, f1), choose_where(is_dup, l2, l1)


def build_identities(rng: np.random.Generator, pop: Population) -> Identities:
    """Draw which system knows whom and write each system's (messy) records."""
    people = pop.people
    b2b = people["company"].to_numpy() >= 0
    contacts_person, contacts_dup = _members(rng, np.where(b2b, 0.75, 0.15), 0.04)
    accounts = _accounts(rng, pop, np.unique(people["company"].to_numpy()[contacts_person]))
    contacts = _contacts(rng, pop, contacts_person, contacts_dup, accounts)
    in_shop = rng.random(len(people)) < np.where(b2b, 0.65, 0.78)
    customers = _customers(rng, pop, *_members(rng, in_shop.astype(float), 0.05))
    p_email = np.where(in_shop, 0.7, 0.45)
    subscribers = _subscribers(rng, pop, *_members(rng, p_email, 0.04))
    p_web = np.clip(0.22 + 0.5 * people["engagement"].to_numpy(), 0, 0.9)
    visitors = _visitors(rng, pop, *_members(rng, p_web, 0.03))
    return Identities(accounts, contacts, customers, subscribers, visitors)


def _accounts(
    rng: np.random.Generator, pop: Population, with_contacts: np.ndarray
) -> SourceRecords:
    companies = pop.companies
    n = len(companies)
    in_crm = rng.random(n) < 0.3
    in_crm[with_contacts[with_contacts >= 0]] = True
    members = np.flatnonzero(in_crm)
    dups = members[rng.random(len(members)) < 0.06]
    company = np.concatenate([members, dups])
    is_dup = np.concatenate([np.zeros(len(members), bool), np.ones(len(dups), bool)])
    m = len(company)
    base = pick(companies["name_base"].to_numpy(dtype=object), company)
    suffix = pick(companies["suffix"].to_numpy(dtype=object), company)
    canonical = mess.company_names(rng, base, suffix, 0.75)
    variant = mess.company_names(rng, base, suffix, 0.0)
    name = choose_where(is_dup, variant, canonical)
    employees = companies["employees"].to_numpy()[company] * rng.uniform(0.8, 1.25, size=m)
    created = _created(rng, companies["created"].to_numpy()[company], is_dup)
    table = pd.DataFrame(
        {
            "name": name,
            "domain": blank_where(
                pick(companies["domain"].to_numpy(dtype=object), company), rng.random(m) < 0.15
            ),
            "industry": blank_where(
                pick(
                    np.asarray(vocab.INDUSTRIES, dtype=object),
                    companies["industry"].to_numpy()[company],
                ),
                rng.random(m) < 0.1,
            ),
            "employees": blank_where(
                text(np.round(employees).astype(np.int64).astype(str)), rng.random(m) < 0.3
            ),
            "city": blank_where(
                pick(companies["city"].to_numpy(dtype=object), company), rng.random(m) < 0.08
            ),
            "country": pick(_COUNTRY_CODES, companies["country"].to_numpy()[company]),
            "created_at": iso_utc(created),
            "updated_at": iso_utc(_updated(rng, created)),
        }
    )
    return _in_order(table, company, created, "account_id", "A", 6)


def _account_of(
    rng: np.random.Generator, accounts: SourceRecords, company: np.ndarray
) -> pd.Series:
    """One of the CRM account ids of each company (companies listed twice split contacts)."""
    frame = pd.DataFrame({"company": accounts.person, "id": accounts.table["account_id"]})
    frame = frame.sort_values(["company", "id"], kind="stable")
    first = frame.groupby("company", sort=True)["id"].first()
    last = frame.groupby("company", sort=True)["id"].last()
    use_last = rng.random(len(company)) < 0.5
    safe = np.maximum(company, 0)
    lookup_first = first.reindex(safe).reset_index(drop=True).astype(STR)
    lookup_last = last.reindex(safe).reset_index(drop=True).astype(STR)
    chosen = choose_where(use_last, lookup_last, lookup_first)
    return chosen.where(pd.Series(company >= 0))


def _contacts(
    rng: np.random.Generator,
    pop: Population,
    person: np.ndarray,
    is_dup: np.ndarray,
    accounts: SourceRecords,
) -> SourceRecords:
    people = pop.people
    n = len(person)
    first, last = _names(
        rng,
        pop,
        person,
        is_dup,
        {"nickname": 0.12, "typo": 0.03, "upper": 0.06, "lower": 0.01, "swap": 0.01},
    )
    p_alt = np.where(is_dup, 0.5, 0.06)
    company = people["company"].to_numpy()[person]
    created = _created(rng, people["created"].to_numpy()[person], is_dup)
    country = people["country"].to_numpy()[person]
    table = pd.DataFrame(
        {
            "account_id": blank_where(_account_of(rng, accounts, company), rng.random(n) < 0.04),
            "first_name": blank_where(first, rng.random(n) < 0.02),
            "last_name": last,
            "email": blank_where(_email(rng, pop, person, 0.85, p_alt), rng.random(n) < 0.05),
            "phone": blank_where(
                mess.phones(rng, people["phone_nsn"].iloc[person], country), rng.random(n) < 0.25
            ),
            "job_title": blank_where(
                pick(people["job_title"].to_numpy(dtype=object), person), rng.random(n) < 0.1
            ),
            "city": blank_where(
                pick(people["city"].to_numpy(dtype=object), person), rng.random(n) < 0.1
            ),
            "country": blank_where(pick(_COUNTRY_CODES, country), rng.random(n) < 0.03),
            "consent_email": bools(rng.random(n) < 0.65),
            "consent_sms": bools(rng.random(n) < 0.3),
            "created_at": iso_utc(created),
            "updated_at": iso_utc(_updated(rng, created)),
        }
    )
    return _in_order(table, person, created, "contact_id", "C", 7)


def _customers(
    rng: np.random.Generator, pop: Population, person: np.ndarray, is_dup: np.ndarray
) -> SourceRecords:
    people, companies = pop.people, pop.companies
    n = len(person)
    first, last = _names(
        rng,
        pop,
        person,
        is_dup,
        {"nickname": 0.08, "typo": 0.03, "upper": 0.03, "lower": 0.05, "swap": 0.01},
    )
    honorific = pick(
        np.asarray(vocab.HONORIFICS, dtype=object), rng.integers(0, len(vocab.HONORIFICS), n)
    )
    full = cat(first.fillna(""), " ", last).str.strip()
    full = full.where(pd.Series(rng.random(n) >= 0.03), cat(honorific, " ", full))
    full = full.where(
        pd.Series(rng.random(n) >= 0.02), cat(last, ", ", first.fillna("")).str.strip(" ,")
    )
    company = people["company"].to_numpy()[person]
    safe = np.maximum(company, 0)
    company_text = mess.company_names(
        rng,
        pick(companies["name_base"].to_numpy(dtype=object), safe),
        pick(companies["suffix"].to_numpy(dtype=object), safe),
        0.5,
    ).where(pd.Series((company >= 0) & (rng.random(n) < 0.6)))
    created = _created(rng, people["created"].to_numpy()[person], is_dup)
    country = people["country"].to_numpy()[person]
    table = pd.DataFrame(
        {
            "full_name": full,
            "email": _email(rng, pop, person, 0.2, np.where(is_dup, 0.9, 0.1)),
            "phone": blank_where(
                mess.phones(rng, people["phone_nsn"].iloc[person], country), rng.random(n) < 0.35
            ),
            "company": company_text,
            "street": mess.typos(
                rng, pick(people["street"].to_numpy(dtype=object), person), rng.random(n) < 0.02
            ),
            "city": pick(people["city"].to_numpy(dtype=object), person),
            "postcode": blank_where(
                pick(people["postcode"].to_numpy(dtype=object), person), rng.random(n) < 0.05
            ),
            "country": blank_where(pick(_COUNTRY_CODES, country), rng.random(n) < 0.02),
            "marketing_opt_in": bools(rng.random(n) < 0.55),
            "created_at": iso_utc(created),
            "updated_at": iso_utc(_updated(rng, created)),
        }
    )
    return _in_order(table, person, created, "customer_id", "S", 7)


def _subscribers(
    rng: np.random.Generator, pop: Population, person: np.ndarray, is_dup: np.ndarray
) -> SourceRecords:
    n = len(person)
    first, last = _names(rng, pop, person, is_dup, {"nickname": 0.1, "typo": 0.02, "lower": 0.1})
    nameless = rng.random(n) < 0.3
    created = _created(rng, pop.people["created"].to_numpy()[person], is_dup)
    status = rng.choice(
        np.asarray(["subscribed", "unsubscribed", "bounced"], dtype=object),
        size=n,
        p=[0.85, 0.1, 0.05],
    )
    table = pd.DataFrame(
        {
            "email": _email(rng, pop, person, 0.3, np.where(is_dup, 1.0, 0.1)),
            "first_name": blank_where(first, nameless | (rng.random(n) < 0.05)),
            "last_name": blank_where(last, nameless),
            "status": text(status),
            "subscribed_at": iso_utc(created),
        }
    )
    return _in_order(table, person, created, "subscriber_id", "E", 7)


def _visitors(
    rng: np.random.Generator, pop: Population, person: np.ndarray, is_dup: np.ndarray
) -> SourceRecords:
    people, companies = pop.people, pop.companies
    n = len(person)
    first, last = _names(
        rng, pop, person, is_dup, {"nickname": 0.15, "typo": 0.04, "lower": 0.2, "upper": 0.02}
    )
    company = people["company"].to_numpy()[person]
    safe = np.maximum(company, 0)
    company_text = mess.company_names(
        rng,
        pick(companies["name_base"].to_numpy(dtype=object), safe),
        pick(companies["suffix"].to_numpy(dtype=object), safe),
        0.4,
    ).where(pd.Series((company >= 0) & (rng.random(n) < 0.7)))
    known_seen = between(rng, people["created"].to_numpy()[person], END - DAY, n)
    n_anon = round(1.5 * n)
    anon_seen = between(rng, ACTIVITY_START - 365 * DAY, END - DAY, n_anon)
    identified = pd.DataFrame(
        {
            "email": _email(rng, pop, person, 0.6, np.where(is_dup, 1.0, 0.1)).str.lower(),
            "first_name": blank_where(first, rng.random(n) < 0.1),
            "last_name": last,
            "company": company_text,
        }
    )
    anonymous = pd.DataFrame({c: pd.Series([None] * n_anon, dtype=STR) for c in identified.columns})
    table = pd.concat([identified, anonymous], ignore_index=True)
    seen = np.concatenate([known_seen, anon_seen])
    table["first_seen_at"] = iso_utc(seen)
    everyone = np.concatenate([person, np.full(n_anon, -1)])
    return _in_order(table, everyone, seen, "visitor_id", "V", 8)
