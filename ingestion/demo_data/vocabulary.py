"""The fixed world of the demo business: what it sells, to whom, and how people write names.

Everything here is data, kept apart from the generating code so that the planted structure
(which industry buys which category, which products go together, when each category sells) can
be read in one place and checked against what models later learn from the generated files.

The business is *Fieldstone Supply Co.*, selling office, tech, outdoor and home gear to firms
and consumers in eight countries. All web and email domains end in ``.example`` (reserved by
RFC 2606) so that demo data can never reach a real inbox or website.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Final

SHOP_URL: Final = "https://shop.fieldstone.example"
SITE_URL: Final = "https://www.fieldstone.example"
BUSINESS: Final = "Fieldstone Supply Co."


@dataclass(frozen=True)
class Subcategory:
    name: str
    nouns: tuple[str, ...]
    price: tuple[float, float]  # typical price range in GBP
    use: str  # completes "a ... choice for <use>"
    attributes: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Category:
    name: str
    slug: str
    brands: tuple[str, ...]
    adjectives: tuple[str, ...]
    tips: tuple[str, ...]  # expert advice quoted in landing pages and posts
    subcategories: tuple[Subcategory, ...]


def _load_catalog_vocabulary() -> tuple[tuple[Category, ...], dict[str, str]]:
    """Read the product vocabulary, kept as JSON because it is data, not code."""
    raw = json.loads(
        resources.files("ingestion.demo_data")
        .joinpath("catalog_vocabulary.json")
        .read_text("utf-8")
    )
    categories = tuple(
        Category(
            name=c["name"],
            slug=c["slug"],
            brands=tuple(c["brands"]),
            adjectives=tuple(c["adjectives"]),
            tips=tuple(c["tips"]),
            subcategories=tuple(
                Subcategory(
                    name=s["name"],
                    nouns=tuple(s["nouns"]),
                    price=(float(s["price_gbp"][0]), float(s["price_gbp"][1])),
                    use=s["use"],
                    attributes=tuple((k, tuple(v)) for k, v in s["attributes"].items()),
                )
                for s in c["subcategories"]
            ),
        )
        for c in raw["categories"]
    )
    return categories, dict(raw["complements"])


CATEGORIES, COMPLEMENTS = _load_catalog_vocabulary()
"""The eight categories, in the column order of the preference and seasonality tables below.

``COMPLEMENTS`` maps each subcategory to the one its buyers tend to buy next (in the same
order or weeks later): the planted co-purchase structure a recommender should rediscover.
"""

INDUSTRIES: Final = (
    "technology",
    "manufacturing",
    "healthcare",
    "education",
    "finance",
    "retail",
    "hospitality",
    "construction",
)

#: Relative preference of each industry (rows; last row: consumers) for each category (columns,
#: in CATEGORIES order). The planted industry → category signal.
INDUSTRY_CATEGORY_PREFERENCE: Final = (
    # supplies furniture computers electronics outdoor sports home travel
    (2.0, 2.0, 6.0, 4.0, 0.6, 0.8, 0.8, 1.5),  # technology
    (3.0, 2.0, 2.0, 1.0, 3.5, 0.6, 0.8, 0.6),  # manufacturing
    (5.0, 2.0, 2.0, 1.0, 0.4, 0.8, 1.0, 0.4),  # healthcare
    (6.0, 2.5, 4.0, 1.0, 0.4, 1.0, 0.4, 0.4),  # education
    (3.0, 4.0, 4.0, 2.0, 0.4, 0.8, 0.8, 3.0),  # finance
    (3.0, 1.0, 2.0, 2.5, 1.0, 1.0, 2.0, 1.0),  # retail
    (2.0, 1.5, 1.0, 1.0, 1.0, 0.5, 6.0, 1.0),  # hospitality
    (1.0, 1.0, 1.0, 2.0, 5.0, 1.0, 1.0, 1.0),  # construction
    (0.5, 0.6, 2.0, 3.0, 3.0, 3.0, 3.0, 2.0),  # consumers
)

#: Month (Jan..Dec) multipliers per category: outdoor peaks in summer, electronics before
#: Christmas, office supplies in January and back-to-school September.
SEASONALITY: Final = (
    (1.5, 1.1, 1.0, 0.9, 0.9, 0.8, 0.8, 1.2, 1.6, 1.1, 1.0, 0.8),  # office supplies
    (1.4, 1.2, 1.0, 0.9, 0.9, 0.8, 0.8, 1.0, 1.4, 1.1, 1.0, 0.7),  # office furniture
    (1.1, 0.9, 0.9, 0.9, 0.9, 0.9, 1.0, 1.4, 1.5, 1.0, 1.4, 1.3),  # computers
    (0.8, 0.7, 0.8, 0.8, 0.8, 0.8, 0.8, 0.9, 1.0, 1.1, 2.2, 2.4),  # electronics
    (0.4, 0.5, 0.8, 1.2, 1.8, 2.2, 2.3, 1.9, 1.0, 0.6, 0.5, 0.7),  # outdoor
    (2.0, 1.3, 1.1, 1.2, 1.3, 1.2, 1.0, 0.9, 1.0, 0.8, 0.7, 0.8),  # sports
    (0.9, 0.8, 0.9, 0.9, 0.9, 0.8, 0.8, 0.8, 0.9, 1.1, 1.8, 2.2),  # home & kitchen
    (0.9, 0.8, 1.0, 1.2, 1.2, 1.8, 1.9, 1.5, 0.9, 0.8, 0.8, 1.3),  # travel
)

NICKNAMES: Final[dict[str, tuple[str, ...]]] = {
    "Robert": ("Bob", "Rob", "Bobby"),
    "William": ("Bill", "Will", "Billy"),
    "Elizabeth": ("Liz", "Beth", "Lizzie"),
    "Margaret": ("Maggie", "Peggy", "Meg"),
    "Richard": ("Rick", "Rich", "Dick"),
    "James": ("Jim", "Jamie", "Jimmy"),
    "John": ("Jack", "Johnny"),
    "Michael": ("Mike", "Mick"),
    "Thomas": ("Tom", "Tommy"),
    "Christopher": ("Chris",),
    "Daniel": ("Dan", "Danny"),
    "Matthew": ("Matt",),
    "Anthony": ("Tony",),
    "Joseph": ("Joe", "Joey"),
    "Charles": ("Charlie", "Chuck"),
    "Edward": ("Ed", "Ted", "Eddie"),
    "Katherine": ("Kate", "Kathy", "Katie"),
    "Catherine": ("Cathy", "Cat", "Kate"),
    "Jennifer": ("Jenny", "Jen"),
    "Rebecca": ("Becky", "Bex"),
    "Samantha": ("Sam",),
    "Samuel": ("Sam", "Sammy"),
    "Alexander": ("Alex", "Sandy"),
    "Alexandra": ("Alex", "Lexi"),
    "Benjamin": ("Ben", "Benny"),
    "Nicholas": ("Nick", "Nicky"),
    "Jonathan": ("Jon", "Jonny"),
    "Andrew": ("Andy", "Drew"),
    "Stephen": ("Steve",),
    "Steven": ("Steve",),
    "Patricia": ("Pat", "Trish", "Patty"),
    "Susan": ("Sue", "Suzy"),
    "Deborah": ("Debbie", "Deb"),
    "Victoria": ("Vicky", "Tori"),
    "Jessica": ("Jess", "Jessie"),
    "Timothy": ("Tim",),
    "Gregory": ("Greg",),
    "Peter": ("Pete",),
    "Frederick": ("Fred", "Freddie"),
    "Henry": ("Harry", "Hank"),
    "Jacqueline": ("Jackie",),
    "Kimberly": ("Kim",),
    "Christine": ("Chris", "Chrissy"),
    "Amanda": ("Mandy",),
    "Abigail": ("Abby",),
    "Zachary": ("Zach",),
    "Nathaniel": ("Nate", "Nat"),
    "Johannes": ("Hannes",),
    "Wolfgang": ("Wolf",),
    "Alexandre": ("Alex",),
    "Francesca": ("Fran",),
    "Frances": ("Fran",),
    "Douglas": ("Doug",),
    "Lawrence": ("Larry",),
    "Raymond": ("Ray",),
    "Kenneth": ("Ken", "Kenny"),
    "Ronald": ("Ron", "Ronnie"),
    "Donald": ("Don",),
    "Gerald": ("Gerry",),
    "Philip": ("Phil",),
    "Eleanor": ("Ellie", "Nell"),
    "Isabella": ("Bella", "Izzy"),
    "Madeleine": ("Maddie",),
}


@dataclass(frozen=True)
class Country:
    code: str
    locale: str
    currency: str
    weight: float
    calling_code: str
    trunk: str  # national dialling prefix ("" for NANP)
    nsn_prefixes: tuple[str, ...]  # leading digits of national numbers
    nsn_length: int
    groups: tuple[int, ...]  # digit groups of the national number when written with spaces
    company_suffixes: tuple[str, ...]
    street_number_first: bool


COUNTRIES: Final[tuple[Country, ...]] = (
    Country(
        "GB",
        "en_GB",
        "GBP",
        0.34,
        "44",
        "0",
        ("7700", "20794", "1632"),
        10,
        (4, 6),
        ("Ltd", "Limited", "PLC"),
        True,
    ),
    Country(
        "US",
        "en_US",
        "USD",
        0.26,
        "1",
        "",
        ("212555", "415555", "312555", "617555"),
        10,
        (3, 3, 4),
        ("Inc", "LLC", "Corp"),
        True,
    ),
    Country(
        "DE",
        "de_DE",
        "EUR",
        0.10,
        "49",
        "0",
        ("30901", "170", "15100"),
        10,
        (3, 7),
        ("GmbH", "AG"),
        False,
    ),
    Country(
        "FR", "fr_FR", "EUR", 0.08, "33", "0", ("6", "1"), 9, (1, 2, 2, 2, 2), ("SARL", "SAS"), True
    ),
    Country("NL", "nl_NL", "EUR", 0.06, "31", "0", ("6", "20"), 9, (1, 8), ("BV",), False),
    Country(
        "IE",
        "en_IE",
        "EUR",
        0.05,
        "353",
        "0",
        ("87", "85", "1"),
        9,
        (2, 3, 4),
        ("Ltd", "DAC"),
        True,
    ),
    Country(
        "CA",
        "en_CA",
        "CAD",
        0.06,
        "1",
        "",
        ("416555", "604555", "514555"),
        10,
        (3, 3, 4),
        ("Inc", "Ltd"),
        True,
    ),
    Country("AU", "en_AU", "AUD", 0.05, "61", "0", ("4", "2"), 9, (3, 3, 3), ("Pty Ltd",), True),
)

#: Price of one GBP in each currency: catalogue prices are in GBP, orders in the buyer's currency.
FX_FROM_GBP: Final[dict[str, float]] = {
    "GBP": 1.0,
    "EUR": 1.17,
    "USD": 1.27,
    "CAD": 1.72,
    "AUD": 1.93,
}

#: Long forms of company suffixes, one of the ways CRM users spell the same company differently.
SUFFIX_LONG_FORMS: Final[dict[str, str]] = {
    "Ltd": "Limited",
    "Limited": "Ltd",
    "Inc": "Incorporated",
    "Corp": "Corporation",
    "LLC": "L.L.C.",
    "PLC": "Public Limited Company",
    "Pty Ltd": "Proprietary Limited",
}

INDUSTRY_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "technology": ("Systems", "Software", "Digital", "Labs", "Technologies", "Data"),
    "manufacturing": ("Manufacturing", "Engineering", "Industries", "Components", "Fabrication"),
    "healthcare": ("Health", "Medical", "Clinic", "Care", "Dental"),
    "education": ("Academy", "College", "School", "Learning", "Institute"),
    "finance": ("Capital", "Partners", "Financial", "Advisors", "Insurance"),
    "retail": ("Stores", "Retail", "Trading", "Outfitters", "Market"),
    "hospitality": ("Hotels", "Hospitality", "Catering", "Inns", "Restaurants"),
    "construction": ("Construction", "Builders", "Contractors", "Building Services", "Civils"),
}

JOB_TITLES: Final[tuple[str, ...]] = (
    "Office Manager",
    "Procurement Manager",
    "Facilities Manager",
    "IT Manager",
    "Head of IT",
    "Operations Director",
    "Purchasing Assistant",
    "Finance Director",
    "Managing Director",
    "Marketing Manager",
    "HR Manager",
    "Buyer",
    "Senior Buyer",
    "Office Administrator",
    "Executive Assistant",
    "Chief Operating Officer",
    "Workplace Coordinator",
    "Team Lead",
)

INDUSTRY_JOB_TITLES: Final[dict[str, tuple[str, ...]]] = {
    "technology": ("CTO", "Engineering Manager", "IT Support Lead"),
    "manufacturing": ("Plant Manager", "Production Supervisor", "Supply Chain Manager"),
    "healthcare": ("Practice Manager", "Clinical Lead", "Ward Administrator"),
    "education": ("Bursar", "Head Teacher", "Department Head"),
    "finance": ("Partner", "Branch Manager", "Compliance Officer"),
    "retail": ("Store Manager", "Merchandiser", "Area Manager"),
    "hospitality": ("General Manager", "Head Chef", "Front of House Manager"),
    "construction": ("Site Manager", "Project Manager", "Quantity Surveyor"),
}

PERSONAL_EMAIL_DOMAINS: Final = (
    "mailbox.example",
    "postmail.example",
    "inboxly.example",
    "fastpost.example",
    "webmail.example",
    "homemail.example",
)

HONORIFICS: Final = ("Mr", "Mrs", "Ms", "Dr", "Mx")

CAMPAIGN_OBJECTIVES: Final = ("awareness", "acquisition", "conversion", "retention", "reactivation")
CAMPAIGN_CHANNELS: Final = ("email", "ads", "social", "web", "sms")
CHANNEL_WEIGHTS: Final = (0.36, 0.24, 0.2, 0.1, 0.1)
