"""The hidden truth: the people and companies that every source system sees a piece of.

Each person has a canonical name, address, phone and emails, an employer (or none: a
consumer), and latent traits that drive behaviour later: category affinities drawn from their
industry's preferences plus personal taste, an activity level, an email engagement level and a
price tier. Source systems never see these directly; they see messy copies of the identity
and the behaviour the traits produce.

Names and addresses come from pools drawn once with seeded Faker instances and are assigned by
numpy index, so a million people cost the same few thousand Faker calls as a thousand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from faker import Faker

from ingestion.demo_data import vocabulary as vocab
from ingestion.demo_data.timeline import DAY, END, HISTORY_START, between
from ingestion.demo_data.vector_strings import ascii_lower, cat, pick, text

N_CATEGORIES = len(vocab.CATEGORIES)


@dataclass(frozen=True)
class NamePool:
    """Seeded Faker draws for one country, plus their ASCII forms for email addresses."""

    first_male: np.ndarray
    first_female: np.ndarray
    last: np.ndarray
    city: np.ndarray
    street: np.ndarray
    postcode: np.ndarray
    first_male_ascii: np.ndarray
    first_female_ascii: np.ndarray
    last_ascii: np.ndarray


@dataclass(frozen=True)
class Population:
    """People (one row each, index = hidden person number) and companies likewise."""

    people: pd.DataFrame
    companies: pd.DataFrame
    affinity: np.ndarray  # people × categories, rows sum to 1


def _draw(fake: Faker, method: str, n: int) -> np.ndarray:
    produce = getattr(fake, method)
    return np.asarray([produce() for _ in range(n)], dtype=object)


def build_pools(seed: int, people: int) -> list[NamePool]:
    """Faker pools per country, sized so small demos stay fast and big ones stay varied."""
    n_first = int(np.clip(people // 6, 60, 1200))
    n_last = int(np.clip(people // 3, 120, 2500))
    n_place = int(np.clip(people // 30, 25, 300))
    pools = []
    for k, country in enumerate(vocab.COUNTRIES):
        fake = Faker(country.locale)
        fake.seed_instance(seed * 1_000 + k)
        first_male = _draw(fake, "first_name_male", n_first)
        first_female = _draw(fake, "first_name_female", n_first)
        last = _draw(fake, "last_name", n_last)
        pools.append(
            NamePool(
                first_male=first_male,
                first_female=first_female,
                last=last,
                city=_draw(fake, "city", n_place),
                street=_draw(fake, "street_name", n_place * 4),
                postcode=_draw(fake, "postcode", n_place * 4),
                first_male_ascii=ascii_lower(first_male),
                first_female_ascii=ascii_lower(first_female),
                last_ascii=ascii_lower(last),
            )
        )
    return pools


def _dedupe_local_parts(emails: pd.Series) -> pd.Series:
    """Make addresses unique by numbering repeats (john.smith@ → john.smith2@)."""
    repeat = emails.groupby(emails, sort=False).cumcount().to_numpy()
    if not repeat.any():
        return emails
    rows = np.flatnonzero(repeat > 0)
    repeated = emails.iloc[rows].tolist()
    renamed = [e.replace("@", f"{n + 1}@", 1) for e, n in zip(repeated, repeat[rows], strict=True)]
    out = emails.copy()
    out.iloc[rows] = renamed
    return out


def _local_part(
    style: np.ndarray, first: pd.Series, last: pd.Series, digits: pd.Series
) -> pd.Series:
    initial = first.str.slice(0, 1)
    options = [
        cat(first, ".", last),
        cat(first, last),
        cat(first, "_", last),
        cat(initial, last),
        cat(first, ".", last, digits),
        cat(first, digits),
    ]
    out = options[0].copy()
    for i, option in enumerate(options[1:], start=1):
        out = out.where(pd.Series(style != i), option)
    return out


def _companies(rng: np.random.Generator, pools: list[NamePool], n: int) -> pd.DataFrame:
    weights = np.array([c.weight for c in vocab.COUNTRIES])
    country = rng.choice(len(weights), size=n, p=weights / weights.sum())
    industry = rng.integers(0, len(vocab.INDUSTRIES), size=n)
    names, suffixes, cities = [], [], []
    for i in range(n):
        pool, spec = pools[country[i]], vocab.COUNTRIES[country[i]]
        words = vocab.INDUSTRY_WORDS[vocab.INDUSTRIES[industry[i]]]
        word = words[rng.integers(len(words))]
        style = rng.random()
        last = pool.last[rng.integers(len(pool.last))]
        city = pool.city[rng.integers(len(pool.city))]
        if style < 0.5:
            names.append(f"{last} {word}")
        elif style < 0.7:
            names.append(f"{last} & {pool.last[rng.integers(len(pool.last))]}")
        else:
            names.append(f"{city.split()[0]} {word}")
        suffixes.append(spec.company_suffixes[rng.integers(len(spec.company_suffixes))])
        cities.append(city)
    base = text(names)
    slug = text(ascii_lower(np.asarray(names, dtype=object)))
    domain = _dedupe_local_parts(cat(slug, "@x")).str.split("@").str[0] + ".example"
    employees = np.maximum(2, np.round(rng.lognormal(3.2, 1.3, size=n))).astype(np.int64)
    return pd.DataFrame(
        {
            "name_base": base,
            "suffix": text(suffixes),
            "industry": industry,
            "country": country,
            "city": text(cities),
            "domain": domain,
            "employees": employees,
            "email_style": rng.choice(4, size=n, p=[0.5, 0.3, 0.1, 0.1]),
            "created": between(rng, HISTORY_START, END - 60 * DAY, n),
        }
    )


def build_population(rng: np.random.Generator, pools: list[NamePool], n_people: int) -> Population:
    """Draw the hidden people and companies (about one company per eight people)."""
    companies = _companies(rng, pools, max(1, n_people // 8))
    n_companies = len(companies)
    employed = rng.random(n_people) < 0.6
    size_weight = companies["employees"].to_numpy() ** 0.6
    employer = np.where(
        employed, rng.choice(n_companies, size=n_people, p=size_weight / size_weight.sum()), -1
    )
    weights = np.array([c.weight for c in vocab.COUNTRIES])
    own_country = rng.choice(len(weights), size=n_people, p=weights / weights.sum())
    at_company_country = employed & (rng.random(n_people) < 0.9)
    country = np.where(
        at_company_country, companies["country"].to_numpy()[np.maximum(employer, 0)], own_country
    )
    female = rng.random(n_people) < 0.5

    cols: dict[str, list[np.ndarray]] = {
        k: [] for k in ("first", "last", "fa", "la", "city", "street", "postcode")
    }
    order = np.argsort(country, kind="stable")
    for k, pool in enumerate(pools):
        idx = order[country[order] == k]
        m = len(idx)
        fi = rng.integers(0, len(pool.first_male), size=m)
        li = rng.integers(0, len(pool.last), size=m)
        fem = female[idx]
        cols["first"].append(np.where(fem, pool.first_female[fi], pool.first_male[fi]))
        cols["fa"].append(np.where(fem, pool.first_female_ascii[fi], pool.first_male_ascii[fi]))
        cols["last"].append(pool.last[li])
        cols["la"].append(pool.last_ascii[li])
        cols["city"].append(pool.city[rng.integers(0, len(pool.city), size=m)])
        si = rng.integers(0, len(pool.street), size=m)
        number = rng.integers(1, 240, size=m).astype(str)
        spec = vocab.COUNTRIES[k]
        street = (
            np.char.add(np.char.add(number, " "), pool.street[si].astype(str))
            if spec.street_number_first
            else np.char.add(np.char.add(pool.street[si].astype(str), " "), number)
        )
        cols["street"].append(street.astype(object))
        cols["postcode"].append(pool.postcode[rng.integers(0, len(pool.postcode), size=m)])
    inverse = np.empty(n_people, dtype=np.int64)
    inverse[order] = np.arange(n_people)
    data = {k: np.concatenate(v)[inverse] for k, v in cols.items()}

    people = pd.DataFrame(
        {
            "first": pick(data["first"], np.arange(n_people)),
            "last": pick(data["last"], np.arange(n_people)),
            "first_ascii": pick(data["fa"], np.arange(n_people)),
            "last_ascii": pick(data["la"], np.arange(n_people)),
            "female": female,
            "country": country,
            "company": employer,
            "city": pick(data["city"], np.arange(n_people)),
            "street": pick(data["street"], np.arange(n_people)),
            "postcode": pick(data["postcode"], np.arange(n_people)),
        }
    )
    works_in_company_city = employed & (rng.random(n_people) < 0.5)
    people["city"] = people["city"].where(
        pd.Series(~works_in_company_city), companies["city"].to_numpy()[np.maximum(employer, 0)]
    )
    _add_contact_details(rng, people, companies)
    _add_traits(rng, people, companies)
    affinity = _affinities(rng, people, companies)
    return Population(people=people, companies=companies, affinity=affinity)


def _add_contact_details(
    rng: np.random.Generator, people: pd.DataFrame, companies: pd.DataFrame
) -> None:
    n = len(people)
    nsn = text(np.full(n, "", dtype=object))
    country = people["country"].to_numpy()
    for k, spec in enumerate(vocab.COUNTRIES):
        in_country = np.flatnonzero(country == k)
        choice = rng.integers(0, len(spec.nsn_prefixes), size=len(in_country))
        for j, prefix in enumerate(spec.nsn_prefixes):
            idx = in_country[choice == j]
            width = spec.nsn_length - len(prefix)
            digits = text(rng.integers(0, 10**width, size=len(idx)).astype(str))
            nsn.iloc[idx] = (prefix + digits.str.pad(width, side="left", fillchar="0")).to_numpy()
    people["phone_nsn"] = nsn

    first, last = people["first_ascii"], people["last_ascii"]
    digits = text(rng.integers(10, 99, size=n).astype(str))
    providers = np.asarray(vocab.PERSONAL_EMAIL_DOMAINS, dtype=object)
    provider = rng.integers(0, len(providers), size=n)
    style = rng.choice(6, size=n, p=[0.35, 0.15, 0.1, 0.15, 0.15, 0.1])
    people["personal_email"] = _dedupe_local_parts(
        cat(_local_part(style, first, last, digits), "@", pick(providers, provider))
    )
    alt_style = (style + rng.integers(1, 6, size=n)) % 6
    alt_provider = (provider + rng.integers(1, len(providers), size=n)) % len(providers)
    people["alt_email"] = _dedupe_local_parts(
        cat(_local_part(alt_style, first, last, digits), "@", pick(providers, alt_provider))
    )

    employer = people["company"].to_numpy()
    has_job = employer >= 0
    company = np.maximum(employer, 0)
    work_style = np.asarray([0, 3, 1, 2])[companies["email_style"].to_numpy()[company]]
    domain = pick(companies["domain"].to_numpy(dtype=object), company)
    work = _dedupe_local_parts(cat(_local_part(work_style, first, last, digits), "@", domain))
    people["work_email"] = work.where(pd.Series(has_job))

    titles = np.empty(n, dtype=object)
    industry = companies["industry"].to_numpy()[company]
    generic = np.asarray(vocab.JOB_TITLES, dtype=object)
    titles[:] = generic[rng.integers(0, len(generic), size=n)]
    specific = rng.random(n) < 0.35
    for k, name in enumerate(vocab.INDUSTRIES):
        idx = np.flatnonzero(specific & (industry == k))
        options = np.asarray(vocab.INDUSTRY_JOB_TITLES[name], dtype=object)
        titles[idx] = options[rng.integers(0, len(options), size=len(idx))]
    people["job_title"] = text(titles).where(pd.Series(has_job))


def _add_traits(rng: np.random.Generator, people: pd.DataFrame, companies: pd.DataFrame) -> None:
    n = len(people)
    people["created"] = HISTORY_START + (
        (END - 30 * DAY - HISTORY_START) * rng.random(n) ** 0.7
    ).astype(np.int64)
    people["activity"] = rng.lognormal(0.0, 0.8, size=n)
    people["engagement"] = rng.beta(2.0, 5.0, size=n)
    people["price_tier"] = rng.choice(3, size=n, p=[0.35, 0.45, 0.2])
    employer = people["company"].to_numpy()
    people["industry"] = np.where(
        employer >= 0, companies["industry"].to_numpy()[np.maximum(employer, 0)], -1
    )


def _affinities(
    rng: np.random.Generator, people: pd.DataFrame, companies: pd.DataFrame
) -> np.ndarray:
    """Category tastes: a Dirichlet draw around the industry's (or consumers') preferences."""
    preference = np.asarray(vocab.INDUSTRY_CATEGORY_PREFERENCE, dtype=np.float64)
    row = np.where(
        people["industry"].to_numpy() >= 0, people["industry"].to_numpy(), len(preference) - 1
    )
    alpha = preference[row] / preference[row].sum(axis=1, keepdims=True) * 6.0
    draws = rng.gamma(alpha)
    return np.asarray(draws / draws.sum(axis=1, keepdims=True), dtype=np.float64)
