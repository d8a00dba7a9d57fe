"""Turn raw source records into the comparable columns the match model reads.

Why here and not in Cypher: the same normalisation must run on the full population, on new
records in an incremental run and in the benchmarks (FEBRL has no Neo4j), so it is one set of
column-wise pandas functions over plain frames. Every function keeps missing values missing:
an empty string would look like agreement to the model.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

import pandas as pd

#: Common English nicknames → the formal name the model compares (Bob and Robert agree).
#: General knowledge, not the demo generator's list: real CRMs meet the same short forms.
_NICKNAME_GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "robert": ("bob", "rob", "bobby", "robbie", "bert"),
    "william": ("bill", "will", "billy", "willy", "liam"),
    "elizabeth": ("liz", "beth", "lizzie", "betty", "eliza", "libby"),
    "margaret": ("maggie", "peggy", "meg", "marge", "greta"),
    "richard": ("rick", "rich", "dick", "ricky", "richie"),
    "james": ("jim", "jamie", "jimmy"),
    "john": ("jack", "johnny", "jon"),
    "michael": ("mike", "mick", "mickey", "mikey"),
    "thomas": ("tom", "tommy"),
    "christopher": ("chris", "kit"),
    "daniel": ("dan", "danny"),
    "matthew": ("matt", "matty"),
    "anthony": ("tony",),
    "joseph": ("joe", "joey"),
    "david": ("dave", "davy"),
    "edward": ("ed", "eddie", "ted", "ned"),
    "benjamin": ("ben", "benny"),
    "samuel": ("sam", "sammy"),
    "alexander": ("alex", "sandy", "xander"),
    "nicholas": ("nick", "nicky"),
    "andrew": ("andy", "drew"),
    "jonathan": ("jon", "jonny"),
    "stephen": ("steve", "stevie"),
    "steven": ("steve", "stevie"),
    "charles": ("charlie", "chuck", "chas"),
    "patrick": ("pat", "paddy"),
    "peter": ("pete",),
    "timothy": ("tim", "timmy"),
    "gregory": ("greg",),
    "kenneth": ("ken", "kenny"),
    "ronald": ("ron", "ronnie"),
    "donald": ("don", "donnie"),
    "jennifer": ("jen", "jenny", "jenn"),
    "katherine": ("kate", "kathy", "katie", "kat"),
    "catherine": ("cathy", "cat", "cate"),
    "rebecca": ("becky", "becca"),
    "susan": ("sue", "susie"),
    "patricia": ("pat", "patty", "trish", "tricia"),
    "deborah": ("deb", "debbie"),
    "victoria": ("vicky", "tori", "vic"),
    "alexandra": ("alex", "sandra", "lexi"),
    "jessica": ("jess", "jessie"),
    "samantha": ("sam", "sammy"),
    "abigail": ("abby", "gail"),
    "christina": ("chris", "tina"),
    "christine": ("chris", "tina"),
    "barbara": ("barb", "babs"),
    "dorothy": ("dot", "dottie"),
    "frances": ("fran", "frankie"),
    "francis": ("frank", "fran"),
    "frederick": ("fred", "freddie"),
    "gerald": ("gerry", "jerry"),
    "harold": ("harry", "hal"),
    "henry": ("harry", "hank"),
    "lawrence": ("larry",),
    "leonard": ("leo", "len", "lenny"),
    "louise": ("lou",),
    "nathaniel": ("nate", "nat"),
    "nathan": ("nate",),
    "raymond": ("ray",),
    "theodore": ("ted", "teddy", "theo"),
    "vincent": ("vince", "vinny"),
    "zachary": ("zach", "zack"),
    "jacob": ("jake",),
    "joshua": ("josh",),
    "olivia": ("liv", "livvy"),
    "amanda": ("mandy",),
    "kimberly": ("kim",),
    "pamela": ("pam",),
    "sophia": ("sophie",),
    "isabella": ("bella", "izzy"),
    "emily": ("em", "emmy"),
    "emma": ("em",),
    "hannah": ("hanna",),
    "johann": ("hans",),
    "johannes": ("hans", "jo"),
    "wolfgang": ("wolf",),
    "giuseppe": ("beppe", "peppe"),
    "francesco": ("franco", "cesco"),
    "jose": ("pepe",),
    "francisco": ("paco", "pancho"),
}
NICKNAMES: Final[dict[str, str]] = {
    nick: formal for formal, nicks in _NICKNAME_GROUPS.items() for nick in nicks
}

_HONORIFICS: Final = r"^(?:mr|mrs|ms|miss|mx|dr|prof|sir|dame|herr|frau|mme|mlle|m)\.?\s+"
#: Legal forms dropped from company names so "ACME LIMITED", "Acme Ltd." and "acme" agree.
_LEGAL_FORMS: Final = (
    "limited", "ltd", "llc", "llp", "plc", "inc", "incorporated", "corp", "corporation",
    "company", "co", "gmbh", "ag", "kg", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "ab",
    "as", "oy", "pty", "pte", "kk", "group", "holdings", "se", "lp",
)  # fmt: skip
#: A pattern string, not a compiled one: pandas hands compiled patterns to Python's ``re``.
_LEGAL_RE: Final = r"\b(?:" + "|".join(_LEGAL_FORMS) + r")\b"


def ascii_lower(values: pd.Series) -> pd.Series:
    """Lower-case, accents folded to ASCII, whitespace collapsed; blank becomes missing.

    Why two paths: most values are ASCII already and need no Unicode folding, which runs in
    Python per value; they are lower-cased and collapsed in Arrow (pandas hands any ``\\s``
    pattern to Python's ``re``, hence the explicit class of the whitespace ``\\s`` matches in
    ASCII text). The rest are folded and collapsed in Python first.
    """
    text = values.astype("string")
    foreign = ~text.str.isascii().fillna(True).astype(bool)
    if foreign.any():
        text = text.copy()
        text[foreign] = text[foreign].map(_fold_unicode)
    text = text.str.lower().str.replace(_ASCII_SPACE, " ", regex=True).str.strip()
    return text.where(text.str.len() > 0)


#: What Python's ``\s`` matches in ASCII text, written out so that Arrow's RE2 can run it.
_ASCII_SPACE: Final = r"[ \t\n\r\f\x0b\x1c-\x1f]+"
_ANY_SPACE: Final = re.compile(r"\s+")


def _fold_unicode(text: str) -> str:
    """Compatibility-decomposed, accents dropped, any Unicode whitespace run made one space."""
    decomposed = unicodedata.normalize("NFKD", text)
    return _ANY_SPACE.sub(" ", "".join(c for c in decomposed if not unicodedata.combining(c)))


def name_token(values: pd.Series) -> pd.Series:
    """A single-name column as letters only (hyphens and apostrophes dropped)."""
    text = ascii_lower(values).str.replace(r"[^a-z ]", "", regex=True).str.strip()
    return text.where(text.str.len() > 0)


def split_full_name(full: pd.Series) -> tuple[pd.Series, pd.Series]:
    """First and last name from a full-name-only source ("Dr Jane Doe", "Doe, Jane").

    Parts are cut out with regular expressions rather than ``str.split(...).str[i]``, which
    builds a Python list per value (a second per 100k records).
    """
    text = ascii_lower(full).str.replace(_HONORIFICS, "", regex=True)
    comma = text.str.contains(",", regex=False).fillna(False)
    before = text.str.replace(r",.*$", "", regex=True).str.strip()
    after = text.str.replace(r"^[^,]*,", "", regex=True).str.strip()
    first = text.str.replace(r" .*$", "", regex=True)
    last = text.str.replace(r"^.* ", "", regex=True)
    single = ~text.str.contains(" ", regex=False).fillna(False)
    first = first.where(~single)
    first = first.where(~comma, after)
    last = last.where(~comma, before)
    return name_token(first), name_token(last)


def canonical_first_name(first: pd.Series) -> pd.Series:
    """The formal form of a first name (bob → robert), else the name itself."""
    return first.map(lambda s: NICKNAMES.get(s, s) if isinstance(s, str) else s).astype("string")


def email_parts(email: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(full address, local part without dots/plus-tags, domain), all lower-case."""
    text = ascii_lower(email)
    text = text.where(text.str.contains("@", regex=False).fillna(False))
    local = text.str.replace(r"@.*$", "", regex=True).str.replace(r"\+.*$", "", regex=True)
    local = local.str.replace(r"[._-]", "", regex=True)
    domain = text.str.replace(r"^[^@]*@", "", regex=True)
    return text, local.where(local.str.len() > 0), domain


def names_from_email(email: pd.Series) -> tuple[pd.Series, pd.Series]:
    """First and last name spelled by an e-mail user name (``jane.doe42@`` → jane, doe).

    Only user names of exactly two alphabetic parts joined by ``.``, ``_`` or ``-`` are read:
    that is how people and company mail systems write names, and ``jdoe`` or ``jane42``
    cannot be split without guessing. Digits and ``+tags`` are dropped.
    """
    local = ascii_lower(email).str.replace(r"@.*$", "", regex=True)
    local = local.str.replace(r"\+.*$", "", regex=True).str.replace(r"\d+", "", regex=True)
    parts = local.str.strip("._-").str.extract(r"^([^._-]{2,})[._-]+([^._-]{2,})$")
    return name_token(parts[0]), name_token(parts[1])


def letters(values: pd.Series) -> pd.Series:
    """Only the letters a-z ("Jane.Doe42" → "janedoe"); nothing left becomes missing."""
    text = ascii_lower(values).str.replace(r"[^a-z]", "", regex=True)
    return text.where(text.str.len() > 0)


def phone_digits(phone: pd.Series, keep: int = 9) -> pd.Series:
    """The last ``keep`` digits: "+44 7700 900123", "07700900123" and "0044…" agree."""
    digits = phone.astype("string").str.replace(r"\D", "", regex=True)
    tail = digits.str.slice(-keep)
    return tail.where(digits.str.len() >= 6)


def postcode(values: pd.Series) -> pd.Series:
    """Postcodes without spaces or punctuation, lower-case."""
    text = ascii_lower(values).str.replace(r"[^a-z0-9]", "", regex=True)
    return text.where(text.str.len() > 0)


def company_name(values: pd.Series) -> pd.Series:
    """A company name without legal form or punctuation ("ACME LIMITED" → "acme")."""
    text = ascii_lower(values).str.replace("&", " and ", regex=False)
    text = text.str.replace(r"[^a-z0-9 ]", " ", regex=True)
    text = text.str.replace(_LEGAL_RE, " ", regex=True)
    text = text.str.replace(r"\s+", " ", regex=True).str.strip()
    return text.where(text.str.len() > 0)


#: An e-mail domain holding at least this share of all addresses is a mail provider serving
#: many employers, not a company domain that names one.
_PROVIDER_SHARE: Final = 0.01


def address_shares(email_domain: pd.Series, email: pd.Series) -> pd.Series:
    """Each e-mail domain's share of the distinct addresses (``employer_key``'s provider test)."""
    return email_domain[~email.duplicated() & email.notna()].value_counts(normalize=True)


def employer_key(
    company: pd.Series, email: pd.Series, email_domain: pd.Series,
    shares: pd.Series | None = None,
) -> pd.Series:  # fmt: skip
    """Letters naming a person's employer: the company they typed, else their work domain.

    "Mills & Mitchell Ltd", "MILLS AND MITCHELL" and jane@millsmitchell.co.uk all give
    "millsmitchell". A domain is a work domain unless it holds 1% or more of the distinct
    addresses (then it is a mail provider, whatever its name: no list of them to keep).
    ``shares`` are the whole population's (``address_shares``) when these records are only
    part of it (an incremental run's); by default they are the records' own.
    """
    typed = letters(company_name(company).str.replace(r"\band\b", " ", regex=True))
    if shares is None:
        shares = address_shares(email_domain, email)
    share = email_domain.map(shares).astype("float64")
    work = email_domain.where(share < _PROVIDER_SHARE)
    distinct = pd.Series(work.dropna().unique(), dtype="string")
    stems = distinct.map(_longest_label).astype("string")
    stems = letters(stems.str.replace(r"\d+$", "", regex=True))
    stem = work.map(dict(zip(distinct, stems, strict=True))).astype("string")
    return typed.where(typed.notna(), stem)


def _longest_label(domain: str) -> str | None:
    """The longest label of a domain before its top level ("mail.acme.co.uk" → "mail")."""
    labels = domain.split(".")[:-1]
    return max(labels, key=len) if labels else None


def domain(values: pd.Series) -> pd.Series:
    """A web domain without scheme, www. or path."""
    text = ascii_lower(values).str.replace(r"^[a-z]+://", "", regex=True)
    text = text.str.replace(r"^www\.", "", regex=True).str.split("/", n=1).str[0]
    return text.where(text.str.len() > 0)


def people_frame(raw: pd.DataFrame, shares: pd.Series | None = None) -> pd.DataFrame:
    """The model's view of person records; ``raw`` has the CustomerRecord property names.

    ``shares``: e-mail domains' shares of the population's addresses (``employer_key``)."""
    first, last = name_token(raw["first_name"]), name_token(raw["last_name"])
    split_first, split_last = split_full_name(raw["full_name"])
    no_names = first.isna() & last.isna()
    first = first.where(~no_names, split_first)
    last = last.where(~no_names, split_last)
    # Records with no name at all (a newsletter sign-up) take the one their e-mail spells.
    mail_first, mail_last = names_from_email(raw["email"])
    no_names = first.isna() & last.isna()
    first = first.where(~no_names, mail_first)
    last = last.where(~no_names, mail_last)
    email, local, email_domain = email_parts(raw["email"])
    canon = canonical_first_name(first)
    return pd.DataFrame(
        {
            "unique_id": raw["record_id"].astype("string"),
            "source_system": raw["source_system"].astype("string"),
            "first_name": first,
            "first_name_canon": canon,
            "last_name": last,
            # Both names in one column, so the model can weigh a full-name match by how common
            # the name is (two John Smiths are weak evidence, two Ottoline Fairbrothers strong).
            "full_name_canon": (canon + " " + last).astype("string"),
            "email": email,
            "email_local": local,
            "email_domain": email_domain,
            # Letters of the user name and of the names, to see that "jsmith@" or
            # "john.smith42@" is John Smith when one record has no name to compare.
            "email_user": letters(local),
            "name_key": letters(first + last),
            "name_key_canon": letters(canon + last),
            "initial_key": letters(first.str.slice(0, 1) + last),
            "phone": phone_digits(raw["phone"]),
            "city": ascii_lower(raw["city"]),
            "postcode": postcode(raw["postcode"]),
            "country": ascii_lower(raw["country"]),
            "employer": employer_key(raw["company_name"], email, email_domain, shares),
        }
    ).reset_index(drop=True)


def company_frame(raw: pd.DataFrame) -> pd.DataFrame:
    """The model's view of company records; ``raw`` has the AccountRecord property names."""
    return pd.DataFrame(
        {
            "unique_id": raw["record_id"].astype("string"),
            "source_system": raw["source_system"].astype("string"),
            "name": company_name(raw["name"]),
            "domain": domain(raw["domain"]),
            "city": ascii_lower(raw["city"]),
            "country": ascii_lower(raw["country"]),
            "industry": ascii_lower(raw["industry"]),
        }
    ).reset_index(drop=True)
