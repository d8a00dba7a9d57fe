"""Data contracts: what each source-system export must look like before it may reach the graph.

One pandera ``DataFrameModel`` per file type states column types, which columns may be missing,
enumerations, ranges, patterns and length caps. Validating at the boundary means the loader
and everything after it can trust the frame it gets, while rows that break a rule are
quarantined with a reason instead of silently poisoning the graph or aborting a whole import.

The models describe the *typed* frame produced by ``ingestion.readers``: integers are
``Int64`` (nullable, so that a missing value can be reported as missing rather than failing the
cast), booleans are ``boolean``, timestamps ``datetime64[us, UTC]``, dates are ``datetime.date``
objects and text is pandas' string dtype. Uniqueness of the key is declared here; the reader
enforces it itself (keeping the last occurrence) because "which duplicate wins" is a policy a
plain uniqueness check cannot express.

Patterns are written in the syntax shared by Python ``re`` and RE2, because pandas evaluates
them with pyarrow (RE2) for arrow-backed strings: no look-arounds, no back-references.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Final

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

# -- shared vocabulary -------------------------------------------------------------------------

ID_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,63}$"
_SKU: Final = re.compile(ID_PATTERN)
EMAIL_PATTERN: Final = r"^[A-Za-z0-9._%+'\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$"
DOMAIN_PATTERN: Final = r"^[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$"
PHONE_PATTERN: Final = r"^\+?[0-9 ().\-/]{6,32}$"
CURRENCY_PATTERN: Final = r"^[A-Z]{3}$"
URL_PATTERN: Final = r"^https?://[^ \t\r\n\f\v]+$"

#: What a value failing a pattern "is not"; used to write quarantine reasons people can act on.
PATTERN_DESCRIPTIONS: Final[dict[str, str]] = {
    ID_PATTERN: "a valid id (letters, digits, _ . : -; at most 64 characters)",
    EMAIL_PATTERN: "a valid email",
    DOMAIN_PATTERN: "a valid domain name",
    PHONE_PATTERN: "a valid phone number",
    CURRENCY_PATTERN: "an ISO 4217 currency code",
    URL_PATTERN: "an http(s) URL",
}

_ISO_COUNTRY_CODES = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
    DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
    GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
    KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW
"""
ISO_COUNTRIES: Final[frozenset[str]] = frozenset(_ISO_COUNTRY_CODES.split())

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

TEXT_MAX: Final = 1_000
NOTES_MAX: Final = 10_000
BODY_MAX: Final = 100_000
URL_MAX: Final = 2_048

EARLIEST: Final = pd.Timestamp("1970-01-01", tz="UTC")
LATEST: Final = pd.Timestamp("2100-01-01", tz="UTC")

Timestamp = Annotated[pd.DatetimeTZDtype, "us", "UTC"]


def _id(*, nullable: bool = False, unique: bool = False) -> Any:
    return pa.Field(nullable=nullable, unique=unique, str_matches=ID_PATTERN)


def _text(max_len: int = TEXT_MAX, *, nullable: bool = True) -> Any:
    return pa.Field(nullable=nullable, str_length={"max_value": max_len})


def _when(*, nullable: bool = False) -> Any:
    return pa.Field(nullable=nullable, in_range={"min_value": EARLIEST, "max_value": LATEST})


def _money() -> Any:
    return pa.Field(nullable=False, ge=0, le=1e9)


class _Contract(pa.DataFrameModel):
    """Shared configuration: extra columns are the reader's business, not a row failure."""

    class Config:
        strict = False


class _Updated(_Contract):
    """Records that carry created/updated stamps; an update before creation is a broken row.

    Subclasses declare ``created_at`` and ``updated_at`` themselves so that they stay last in
    column order, as in the exports.
    """

    @pa.dataframe_check(error="updated_at is earlier than created_at")
    def _updated_after_created(cls, df: pd.DataFrame) -> Series[bool]:
        ok = df["created_at"].isna() | df["updated_at"].isna()
        return Series(ok | (df["updated_at"] >= df["created_at"]))


def _country_check(series: Series[str]) -> Series[bool]:
    return Series(series.isin(ISO_COUNTRIES))


# -- CRM ---------------------------------------------------------------------------------------


class CrmAccount(_Updated):
    account_id: Series[str] = _id(unique=True)
    name: Series[str] = _text(nullable=False)
    domain: Series[str] = pa.Field(nullable=True, str_matches=DOMAIN_PATTERN)
    industry: Series[str] = pa.Field(nullable=True, isin=list(INDUSTRIES))
    employees: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, le=10_000_000)
    city: Series[str] = _text()
    country: Series[str] = pa.Field(nullable=True)
    created_at: Series[Timestamp] = _when()
    updated_at: Series[Timestamp] = _when()

    @pa.check("country", error="is not an ISO 3166-1 alpha-2 country code")
    def _iso_country(cls, series: Series[str]) -> Series[bool]:
        return _country_check(series)


class CrmContact(_Updated):
    contact_id: Series[str] = _id(unique=True)
    account_id: Series[str] = _id(nullable=True)
    first_name: Series[str] = _text()
    last_name: Series[str] = _text(nullable=False)
    email: Series[str] = pa.Field(
        nullable=True, str_matches=EMAIL_PATTERN, str_length={"max_value": 254}
    )
    phone: Series[str] = pa.Field(nullable=True, str_matches=PHONE_PATTERN)
    job_title: Series[str] = _text()
    city: Series[str] = _text()
    country: Series[str] = pa.Field(nullable=True)
    consent_email: Series[pd.BooleanDtype] = pa.Field(nullable=False)
    consent_sms: Series[pd.BooleanDtype] = pa.Field(nullable=False)
    created_at: Series[Timestamp] = _when()
    updated_at: Series[Timestamp] = _when()

    @pa.check("country", error="is not an ISO 3166-1 alpha-2 country code")
    def _iso_country(cls, series: Series[str]) -> Series[bool]:
        return _country_check(series)


class CrmCall(_Contract):
    call_id: Series[str] = _id(unique=True)
    contact_id: Series[str] = _id()
    occurred_at: Series[Timestamp] = _when()
    duration_s: Series[pd.Int64Dtype] = pa.Field(nullable=False, ge=0, le=86_400)
    outcome: Series[str] = pa.Field(nullable=False, isin=["connected", "voicemail", "no_answer"])
    notes: Series[str] = _text(NOTES_MAX)


# -- shop and catalogue ------------------------------------------------------------------------


class ShopCustomer(_Updated):
    customer_id: Series[str] = _id(unique=True)
    full_name: Series[str] = _text(nullable=False)
    email: Series[str] = pa.Field(
        nullable=False, str_matches=EMAIL_PATTERN, str_length={"max_value": 254}
    )
    phone: Series[str] = pa.Field(nullable=True, str_matches=PHONE_PATTERN)
    company: Series[str] = _text()
    street: Series[str] = _text()
    city: Series[str] = _text()
    postcode: Series[str] = pa.Field(nullable=True, str_length={"max_value": 16})
    country: Series[str] = pa.Field(nullable=True)
    marketing_opt_in: Series[pd.BooleanDtype] = pa.Field(nullable=False)
    created_at: Series[Timestamp] = _when()
    updated_at: Series[Timestamp] = _when()

    @pa.check("country", error="is not an ISO 3166-1 alpha-2 country code")
    def _iso_country(cls, series: Series[str]) -> Series[bool]:
        return _country_check(series)


class ShopOrder(_Contract):
    order_id: Series[str] = _id(unique=True)
    customer_id: Series[str] = _id()
    ordered_at: Series[Timestamp] = _when()
    status: Series[str] = pa.Field(nullable=False, isin=["paid", "refunded", "cancelled"])
    currency: Series[str] = pa.Field(nullable=False, str_matches=CURRENCY_PATTERN)
    total: Series[float] = _money()


class ShopOrderLine(_Contract):
    order_id: Series[str] = _id()
    line_no: Series[pd.Int64Dtype] = pa.Field(nullable=False, ge=1, le=10_000)
    sku: Series[str] = _id()
    quantity: Series[pd.Int64Dtype] = pa.Field(nullable=False, ge=1, le=100_000)
    unit_price: Series[float] = _money()

    class Config:
        strict = False
        unique: ClassVar[list[str]] = ["order_id", "line_no"]


class CatalogProduct(_Contract):
    sku: Series[str] = _id(unique=True)
    name: Series[str] = _text(nullable=False)
    category: Series[str] = _text(nullable=False)
    subcategory: Series[str] = _text(nullable=False)
    price: Series[float] = _money()
    currency: Series[str] = pa.Field(nullable=False, str_matches=CURRENCY_PATTERN)
    attributes: Series[str] = _text(NOTES_MAX)
    description: Series[str] = _text(NOTES_MAX)
    launched_at: Series[pa.Date] = pa.Field(nullable=False)
    discontinued: Series[pd.BooleanDtype] = pa.Field(nullable=False)

    @pa.check("attributes", element_wise=True, error="is not a JSON object")
    def _attributes_json_object(cls, value: str) -> bool:
        try:
            return isinstance(json.loads(value), dict)
        except ValueError:
            return False


# -- email, web and ads ------------------------------------------------------------------------


class EmailSubscriber(_Contract):
    subscriber_id: Series[str] = _id(unique=True)
    email: Series[str] = pa.Field(
        nullable=False, str_matches=EMAIL_PATTERN, str_length={"max_value": 254}
    )
    first_name: Series[str] = _text()
    last_name: Series[str] = _text()
    status: Series[str] = pa.Field(nullable=False, isin=["subscribed", "unsubscribed", "bounced"])
    subscribed_at: Series[Timestamp] = _when()


class EmailEvent(_Contract):
    event_id: Series[str] = _id(unique=True)
    subscriber_id: Series[str] = _id()
    campaign_id: Series[str] = _id()
    content_id: Series[str] = _id(nullable=True)
    event_type: Series[str] = pa.Field(nullable=False, isin=["send", "open", "click"])
    occurred_at: Series[Timestamp] = _when()
    url: Series[str] = pa.Field(
        nullable=True, str_matches=URL_PATTERN, str_length={"max_value": URL_MAX}
    )

    @pa.dataframe_check(error="url is set on an event that is not a click")
    def _url_only_on_clicks(cls, df: pd.DataFrame) -> Series[bool]:
        return Series(df["url"].isna() | (df["event_type"] == "click"))


class WebVisitor(_Contract):
    visitor_id: Series[str] = _id(unique=True)
    email: Series[str] = pa.Field(
        nullable=True, str_matches=EMAIL_PATTERN, str_length={"max_value": 254}
    )
    first_name: Series[str] = _text()
    last_name: Series[str] = _text()
    company: Series[str] = _text()
    first_seen_at: Series[Timestamp] = _when()


class WebEvent(_Contract):
    event_id: Series[str] = _id(unique=True)
    visitor_id: Series[str] = _id()
    event_type: Series[str] = pa.Field(nullable=False, isin=["page_view", "form_fill"])
    occurred_at: Series[Timestamp] = _when()
    url: Series[str] = pa.Field(
        nullable=False, str_matches=URL_PATTERN, str_length={"max_value": URL_MAX}
    )
    content_id: Series[str] = _id(nullable=True)
    campaign_id: Series[str] = _id(nullable=True)


class AdsClick(_Contract):
    click_id: Series[str] = _id(unique=True)
    campaign_id: Series[str] = _id()
    ad_id: Series[str] = _id()
    visitor_id: Series[str] = _id()
    clicked_at: Series[Timestamp] = _when()
    cost: Series[float] = _money()


# -- marketing ---------------------------------------------------------------------------------


class Campaign(_Contract):
    campaign_id: Series[str] = _id(unique=True)
    name: Series[str] = _text(nullable=False)
    channel: Series[str] = pa.Field(nullable=False, isin=["email", "ads", "social", "web", "sms"])
    objective: Series[str] = _text()
    start_date: Series[pa.Date] = pa.Field(nullable=False)
    end_date: Series[pa.Date] = pa.Field(nullable=False)
    budget: Series[float] = _money()
    spend: Series[float] = _money()
    target_category: Series[str] = _text()

    @pa.dataframe_check(error="end_date is before start_date")
    def _ends_after_start(cls, df: pd.DataFrame) -> Series[bool]:
        start, end = pd.to_datetime(df["start_date"]), pd.to_datetime(df["end_date"])
        return Series(start.isna() | end.isna() | (end >= start))


class ContentItem(_Contract):
    content_id: Series[str] = _id(unique=True)
    content_type: Series[str] = pa.Field(nullable=False, isin=["email", "landing_page", "post"])
    title: Series[str] = _text(nullable=False)
    body: Series[str] = _text(BODY_MAX, nullable=False)
    url: Series[str] = pa.Field(
        nullable=False, str_matches=URL_PATTERN, str_length={"max_value": URL_MAX}
    )
    campaign_id: Series[str] = _id(nullable=True)
    product_skus: Series[object] = pa.Field(nullable=False)
    published_at: Series[Timestamp] = _when()
    updated_at: Series[Timestamp] = _when()

    @pa.dataframe_check(error="updated_at is earlier than published_at")
    def _updated_after_published(cls, df: pd.DataFrame) -> Series[bool]:
        ok = df["published_at"].isna() | df["updated_at"].isna()
        return Series(ok | (df["updated_at"] >= df["published_at"]))

    @pa.check("product_skus", element_wise=True, error="is not a list of SKU strings")
    def _skus_are_strings(cls, value: object) -> bool:
        # each a SKU id: `SKU-1,SKU-2` in one item is a list the export joined another way
        return isinstance(value, list) and all(
            isinstance(v, str) and _SKU.match(v) is not None for v in value
        )


# -- deletions -----------------------------------------------------------------------------------

#: The exports whose records a deletion feed may name (people and company records: the records
#: entity resolution joins). Events are facts that happened; a source does not retract them.
DELETABLE_SOURCE_TYPES: Final = (
    "crm_contacts",
    "crm_accounts",
    "shop_customers",
    "email_subscribers",
    "web_visitors",
)


class DeletedRecord(_Contract):
    """A record a source system deleted (a CRM's deleted-contacts report, a shop's erased
    customers): snapshot exports cannot say that something is gone, so a feed has to."""

    source_type: Series[str] = pa.Field(nullable=False, isin=list(DELETABLE_SOURCE_TYPES))
    source_id: Series[str] = _id()
    deleted_at: Series[Timestamp] = _when()
    reason: Series[str] = _text()


#: Person exports: the records a data subject's erasure request can name (companies are not
#: data subjects).
PERSON_SOURCE_TYPES: Final = tuple(t for t in DELETABLE_SOURCE_TYPES if t != "crm_accounts")
#: Longest erasure reference kept (a ticket id; `models.privacy.erasure` uses this limit too).
ERASURE_REFERENCE_MAX: Final = 200


#: An erasure log's key: one row per ticket and record (a person who asked twice, or through
#: two channels, has two tickets, both honoured and recorded: not one a duplicate of the other).
ERASURE_TICKET_KEY: Final = ("source_type", "source_id", "reference")


class ErasureRequestRow(_Contract):
    """A source's erasure log (a CRM's GDPR deletion requests, a shop's "forget me" list): the
    person records to erase for good, which a deletion feed does not do (a deletion keeps the
    data, masked, for a restore). `reference` is the request's ticket id, kept as proof."""

    source_type: Series[str] = pa.Field(nullable=False, isin=list(PERSON_SOURCE_TYPES))
    source_id: Series[str] = _id()
    requested_at: Series[Timestamp] = _when()
    reference: Series[str] = _text(ERASURE_REFERENCE_MAX)


# -- registry ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceContract:
    """How to read one source type: its contract, key columns and the system that exports it."""

    source_type: str
    model: type[pa.DataFrameModel]
    key_columns: tuple[str, ...]
    source_system: str
    file_format: str  # "csv", "jsonl" or "parquet": the format the demo exports use

    @property
    def key(self) -> str:
        """The key as one label (``order_id+line_no`` for composite keys), for messages."""
        return "+".join(self.key_columns)

    @property
    def columns(self) -> list[str]:
        """Contract column names in contract order (the order of the valid frame)."""
        return list(self.model.to_schema().columns)


def _entry(
    source_type: str, model: type[pa.DataFrameModel], key: tuple[str, ...], system: str, fmt: str
) -> tuple[str, SourceContract]:
    return source_type, SourceContract(source_type, model, key, system, fmt)


CONTRACTS: Final[dict[str, SourceContract]] = dict(
    [
        _entry("crm_accounts", CrmAccount, ("account_id",), "crm", "csv"),
        _entry("crm_contacts", CrmContact, ("contact_id",), "crm", "csv"),
        _entry("crm_calls", CrmCall, ("call_id",), "crm", "csv"),
        _entry("shop_customers", ShopCustomer, ("customer_id",), "shop", "csv"),
        _entry("shop_orders", ShopOrder, ("order_id",), "shop", "csv"),
        _entry("shop_order_lines", ShopOrderLine, ("order_id", "line_no"), "shop", "csv"),
        _entry("catalog_products", CatalogProduct, ("sku",), "catalog", "csv"),
        _entry("email_subscribers", EmailSubscriber, ("subscriber_id",), "email", "csv"),
        _entry("email_events", EmailEvent, ("event_id",), "email", "jsonl"),
        _entry("web_visitors", WebVisitor, ("visitor_id",), "web", "csv"),
        _entry("web_events", WebEvent, ("event_id",), "web", "parquet"),
        _entry("ads_clicks", AdsClick, ("click_id",), "ads", "csv"),
        _entry("campaigns", Campaign, ("campaign_id",), "marketing", "csv"),
        _entry("content", ContentItem, ("content_id",), "marketing", "jsonl"),
        _entry("deleted_records", DeletedRecord, ("source_type", "source_id"), "any", "csv"),
        # Keyed by ticket, not record: two tickets naming one record are two requests.
        _entry("erasure_requests", ErasureRequestRow, ERASURE_TICKET_KEY, "any", "csv"),
    ]
)


def contract_for(source_type: str) -> SourceContract:
    """The contract registered for ``source_type``; KeyError lists what is known."""
    try:
        return CONTRACTS[source_type]
    except KeyError:
        known = ", ".join(sorted(CONTRACTS))
        raise KeyError(f"unknown source type {source_type!r}; known types: {known}") from None
