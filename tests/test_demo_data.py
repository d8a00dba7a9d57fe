"""The demo data generator: reproducible, complete, messy in the right ways, and carrying the
planted behaviour (industry → category affinity, seasonality) that downstream models learn."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from ingestion.demo_data import FILE_NAMES, GROUND_TRUTH, MANIFEST, generate
from ingestion.demo_data import vocabulary as vocab
from ingestion.readers import ValidatedFile, read_and_validate

EXPECTED_COLUMNS = {
    "crm_accounts.csv": "account_id name domain industry employees city country created_at "
    "updated_at",
    "crm_contacts.csv": "contact_id account_id first_name last_name email phone job_title city "
    "country consent_email consent_sms created_at updated_at",
    "crm_calls.csv": "call_id contact_id occurred_at duration_s outcome notes",
    "shop_customers.csv": "customer_id full_name email phone company street city postcode country "
    "marketing_opt_in created_at updated_at",
    "shop_orders.csv": "order_id customer_id ordered_at status currency total",
    "shop_order_lines.csv": "order_id line_no sku quantity unit_price",
    "catalog_products.csv": "sku name category subcategory price currency attributes description "
    "launched_at discontinued",
    "email_subscribers.csv": "subscriber_id email first_name last_name status subscribed_at",
    "email_events.jsonl": "event_id subscriber_id campaign_id content_id event_type occurred_at "
    "url",
    "web_visitors.csv": "visitor_id email first_name last_name company first_seen_at",
    "web_events.parquet": "event_id visitor_id event_type occurred_at url content_id campaign_id",
    "ads_clicks.csv": "click_id campaign_id ad_id visitor_id clicked_at cost",
    "campaigns.csv": "campaign_id name channel objective start_date end_date budget spend "
    "target_category",
    "content.jsonl": "content_id content_type title body url campaign_id product_skus "
    "published_at updated_at",
    "ground_truth.csv": "record_id entity_type entity_id",
}
CUSTOMERS = 2_000


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo_data")
    generate(out, customers=CUSTOMERS, seed=7, bad_row_rate=0.002)
    return out


@pytest.fixture(scope="module")
def validated(demo: Path) -> dict[str, ValidatedFile]:
    return {source: read_and_validate(demo / name) for source, name in FILE_NAMES.items()}


@pytest.fixture(scope="module")
def valid(validated: dict[str, ValidatedFile]) -> dict[str, pd.DataFrame]:
    return {source: result.valid for source, result in validated.items()}


@pytest.fixture(scope="module")
def truth(demo: Path) -> dict[str, str]:
    frame = pd.read_csv(demo / GROUND_TRUTH, dtype=str)
    assert frame["record_id"].is_unique
    return dict(zip(frame["record_id"], frame["entity_id"], strict=True))


def _columns(path: Path) -> list[str]:
    if path.suffix == ".csv":
        return path.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0].split(",")
    if path.suffix == ".jsonl":
        return list(json.loads(path.read_text(encoding="utf-8").split("\n", 1)[0]))
    return list(pq.read_schema(path).names)


# -- reproducibility and shape -------------------------------------------------------------------


def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path: Path) -> None:
    first, again, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for out, seed in ((first, 5), (again, 5), (other, 6)):
        generate(out, customers=300, seed=seed, bad_row_rate=0.01)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted([*FILE_NAMES.values(), GROUND_TRUTH, MANIFEST])
    for name in names:
        assert (first / name).read_bytes() == (again / name).read_bytes(), name
    differing = [n for n in names if (first / n).read_bytes() != (other / n).read_bytes()]
    assert len(differing) >= len(names) - 1  # all but possibly a tiny file differ


def test_every_file_is_present_with_the_exact_columns(demo: Path) -> None:
    for name, columns in EXPECTED_COLUMNS.items():
        assert _columns(demo / name) == columns.split(), name


def test_manifest_describes_the_files(demo: Path, validated: dict[str, ValidatedFile]) -> None:
    manifest = json.loads((demo / MANIFEST).read_text())
    assert manifest["seed"] == 7 and manifest["customers"] == CUSTOMERS
    assert manifest["reference_date"] == "2026-09-30" and manifest["generator_version"]
    for source, name in FILE_NAMES.items():
        info = manifest["files"][name]
        assert info["rows"] == validated[source].rows_read
        assert info["bad_rows"] == sum(info["bad_kinds"].values())


def test_interactions_match_the_requested_volume(demo: Path) -> None:
    manifest = json.loads((demo / MANIFEST).read_text())
    assert manifest["interactions"] == pytest.approx(CUSTOMERS * 10, rel=0.1)
    rows = {name: info["rows"] for name, info in manifest["files"].items()}
    assert 100 <= rows["catalog_products.csv"] <= 2_000
    assert 30 <= rows["campaigns.csv"] <= 80 and 100 <= rows["content.jsonl"] <= 300


def test_timestamps_are_utc_iso_and_history_ends_at_the_reference_date(
    demo: Path, valid: dict[str, pd.DataFrame]
) -> None:
    first_order = (demo / "shop_orders.csv").read_text().split("\n")[1]
    assert first_order.split(",")[2].endswith("Z") and "T" in first_order.split(",")[2]
    orders = valid["shop_orders"]
    assert orders["ordered_at"].max() < pd.Timestamp("2026-10-01", tz="UTC")
    assert orders["ordered_at"].min() >= pd.Timestamp("2024-10-01", tz="UTC")


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="bad_row_rate"):
        generate(tmp_path, customers=100, bad_row_rate=0.5)
    with pytest.raises(ValueError, match="customers"):
        generate(tmp_path, customers=0)


def test_progress_is_reported_per_file(tmp_path: Path) -> None:
    stages: list[str] = []
    report = generate(
        tmp_path, customers=100, bad_row_rate=0, progress=lambda s, _: stages.append(s)
    )
    assert set(FILE_NAMES.values()) <= set(stages)
    assert report.total_bad_rows == 0


# -- ground truth and messiness ------------------------------------------------------------------


def test_ground_truth_covers_every_person_and_company_record(
    valid: dict[str, pd.DataFrame], truth: dict[str, str]
) -> None:
    people = {
        "crm": valid["crm_contacts"]["contact_id"],
        "shop": valid["shop_customers"]["customer_id"],
        "email": valid["email_subscribers"]["subscriber_id"],
        "web": valid["web_visitors"].dropna(subset=["email"])["visitor_id"],
    }
    for source, ids in people.items():
        entities = [truth.get(f"{source}:{i}") for i in ids]
        assert all(e is not None and e.startswith("P") for e in entities), source
    accounts = [truth.get(f"crm:{i}") for i in valid["crm_accounts"]["account_id"]]
    assert all(e is not None and e.startswith("O") for e in accounts)


def test_people_appear_in_several_systems_and_twice_within_one(truth: dict[str, str]) -> None:
    records = pd.DataFrame({"record": list(truth), "entity": list(truth.values())})
    records["system"] = records["record"].str.split(":").str[0]
    people = records[records["entity"].str.startswith("P")]
    systems_per_person = people.groupby("entity")["system"].nunique()
    assert (systems_per_person >= 2).mean() > 0.5
    within = people.groupby(["entity", "system"]).size()
    duplicated_people = within[within > 1].reset_index()["entity"].nunique()
    assert 0.03 <= duplicated_people / len(systems_per_person) <= 0.12
    companies = records[records["entity"].str.startswith("O")].groupby("entity").size()
    assert (companies > 1).sum() > 0  # some companies sit in the CRM twice


def test_records_of_one_person_differ_the_way_real_exports_do(
    valid: dict[str, pd.DataFrame], truth: dict[str, str]
) -> None:
    contacts = valid["crm_contacts"].assign(entity=lambda d: ("crm:" + d["contact_id"]).map(truth))
    customers = valid["shop_customers"].assign(
        entity=lambda d: ("shop:" + d["customer_id"]).map(truth)
    )
    both = contacts.merge(customers, on="entity", suffixes=("_crm", "_shop"))
    assert len(both) > 100
    assert (both["email_crm"].str.lower() != both["email_shop"].str.lower()).mean() > 0.3
    assert (both["phone_crm"].notna() & both["phone_shop"].notna()).any()
    phones = both.dropna(subset=["phone_crm", "phone_shop"])
    assert (phones["phone_crm"] != phones["phone_shop"]).mean() > 0.3

    names = valid["crm_contacts"]["first_name"].dropna()
    nicknames = {n for options in vocab.NICKNAMES.values() for n in options}
    assert names.isin(nicknames).sum() > 0
    last = valid["crm_contacts"]["last_name"]
    assert (last.str.isupper() & (last.str.len() > 3)).sum() > 0
    companies = valid["shop_customers"]["company"].dropna()
    assert companies.str.isupper().sum() > 0 and companies.str.contains("Limited|Ltd").sum() > 0
    assert valid["web_visitors"]["email"].isna().mean() > 0.4  # mostly anonymous visitors


def test_events_reference_known_records(valid: dict[str, pd.DataFrame]) -> None:
    customers = set(valid["shop_customers"]["customer_id"])
    assert valid["shop_orders"]["customer_id"].isin(customers).mean() > 0.99
    skus = set(valid["catalog_products"]["sku"])
    assert valid["shop_order_lines"]["sku"].isin(skus).mean() > 0.99
    visitors = set(valid["web_visitors"]["visitor_id"])
    assert valid["web_events"]["visitor_id"].isin(visitors).mean() > 0.99
    campaigns = set(valid["campaigns"]["campaign_id"])
    assert valid["email_events"]["campaign_id"].isin(campaigns).mean() > 0.99
    clicks = valid["email_events"]["event_type"] == "click"
    assert valid["email_events"].loc[clicks, "url"].notna().all()


def test_content_is_readable_text_about_real_products(valid: dict[str, pd.DataFrame]) -> None:
    content = valid["content"]
    names = dict(
        zip(valid["catalog_products"]["sku"], valid["catalog_products"]["name"], strict=True)
    )
    assert set(content["content_type"]) == {"email", "landing_page", "post"}
    for _, item in content.iterrows():
        assert "lorem" not in item["body"].lower() and len(item["body"].split()) > 30
        mentioned = [names[s] for s in item["product_skus"] if s in names]
        assert any(name in item["body"] for name in mentioned) or not mentioned
    assert content["campaign_id"].notna().mean() > 0.3


# -- planted behaviour ---------------------------------------------------------------------------


def _lines_with_industry(valid: dict[str, pd.DataFrame], truth: dict[str, str]) -> pd.DataFrame:
    """Order lines with the buyer's industry, as an analyst would join them across systems."""
    contacts = valid["crm_contacts"].merge(
        valid["crm_accounts"][["account_id", "industry"]], on="account_id"
    )
    industry = (
        contacts.assign(entity=("crm:" + contacts["contact_id"]).map(truth))
        .dropna(subset=["industry"])
        .groupby("entity")["industry"]
        .first()
    )
    customers = valid["shop_customers"].assign(
        entity=lambda d: ("shop:" + d["customer_id"]).map(truth)
    )
    lines = (
        valid["shop_order_lines"]
        .merge(valid["shop_orders"][["order_id", "customer_id", "ordered_at"]], on="order_id")
        .merge(customers[["customer_id", "entity"]], on="customer_id")
        .merge(valid["catalog_products"][["sku", "category"]], on="sku")
    )
    return lines.assign(industry=lines["entity"].map(industry))


def test_category_share_depends_on_industry(
    valid: dict[str, pd.DataFrame], truth: dict[str, str]
) -> None:
    lines = _lines_with_industry(valid, truth).dropna(subset=["industry"])
    table = pd.crosstab(lines["industry"], lines["category"])
    # chi-square test of independence: the statistic is far beyond any plausible critical value
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.to_numpy().sum()
    chi2 = float(((table.to_numpy() - expected) ** 2 / expected).sum())
    dof = (table.shape[0] - 1) * (table.shape[1] - 1)
    assert chi2 > dof + 10 * np.sqrt(2 * dof)
    share = pd.crosstab(lines["industry"], lines["category"], normalize="index")
    tech_gear = ["Computers & Accessories", "Electronics"]
    tech = float(share.loc[["technology"], tech_gear].to_numpy().sum())
    health = float(share.loc[["healthcare"], tech_gear].to_numpy().sum())
    assert tech > 1.5 * health
    kitchen = share["Home & Kitchen"]
    assert float(kitchen["hospitality"]) > 2 * float(kitchen.drop("hospitality").mean())


def test_outdoor_gear_sells_in_summer(
    valid: dict[str, pd.DataFrame], truth: dict[str, str]
) -> None:
    lines = _lines_with_industry(valid, truth)
    outdoor = lines[lines["category"] == "Outdoor & Camping"]["ordered_at"].dt.month
    summer, winter = outdoor.isin([6, 7, 8]).sum(), outdoor.isin([12, 1, 2]).sum()
    assert summer > 2 * winter
