"""The benchmark behind `zh-extract bench` and `python -m bench`.

Text is generated from the bundled corpus (shuffled sentences, varied numbers), so no download is
needed. For each size it reports, in one run: the whole pipeline through the batch runner with 1
and N worker processes (characters/s, documents/s, peak RSS per worker), `jieba.lcut` alone on
the same text (the floor of any jieba-segmenting pipeline), the segmenter the pipeline really uses
(jieba's dictionary and HMM run by jieba-rs), a plain `regex` scan of numbers (the ceiling), the
start-up time of a fresh process, and what loading the rules costs.

Every pipeline run is a fresh subprocess, so its memory is its own and not the generator's.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import regex

HERE = Path(__file__).resolve().parent
CORPUS_DIRS = (HERE.parent / "corpus", HERE / "corpus")  # a checkout, or the installed wheel
SENTENCE = regex.compile(r"(?<=[。！？\n])")
DOC_SENTENCES = 40  # ~2,000 characters an article


def corpus_sentences() -> list[str]:
    for folder in CORPUS_DIRS:
        paths = sorted(folder.glob("*.txt"))
        if paths:
            return [s for p in paths for s in SENTENCE.split(p.read_text(encoding="utf-8")) if s.strip()]
    raise FileNotFoundError("no corpus/*.txt to generate benchmark text from")


def generate(mb: float, seed: int = 13) -> Iterator[str]:
    """Articles of ~2,000 characters, `mb` megabytes of UTF-8 in all, the same for the same seed."""
    rng = random.Random(seed)
    sentences = corpus_sentences()
    digits = regex.compile(r"\d+")

    def vary(m: regex.Match) -> str:
        text = m.group()
        return str(max(1, int(int(text) * rng.uniform(0.5, 1.5)))) if len(text) < 6 else text

    target, size = int(mb * 1024 * 1024), 0
    while size < target:
        doc = "".join(digits.sub(vary, rng.choice(sentences)) for _ in range(DOC_SENTENCES))
        size += len(doc.encode("utf-8"))
        yield doc


def make_corpus(mb: float, seed: int = 13) -> list[str]:
    return list(generate(mb, seed))


def write_corpus(mb: float, path: Path) -> dict:
    """Generated articles as JSONL (`id`, `text`); returns their count and size."""
    docs = chars = 0
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as out:
        for i, doc in enumerate(generate(mb)):
            out.write(json.dumps({"id": f"g{i:07d}", "text": doc}, ensure_ascii=False) + "\n")
            docs, chars = docs + 1, chars + len(doc)
    return {"documents": docs, "characters": chars}


def texts(path: Path) -> Iterator[str]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)["text"]


def rate(fn, path: Path) -> float:
    """Characters per second of `fn(text)` over the file's texts (reading excluded)."""
    spent = chars = 0.0
    for text in texts(path):
        start = time.perf_counter()
        fn(text)
        spent += time.perf_counter() - start
        chars += len(text)
    return chars / spent


# -- measured in fresh processes

_WORKER = """
import json, resource, sys, time
from extractor.batch import Options, cached_pipeline, run
cached_pipeline(Options())("预热")  # start-up is measured on its own; forked workers inherit it
start = time.perf_counter()
manifest = run([sys.argv[1]], sys.argv[2], jobs=int(sys.argv[3]), batch_size=int(sys.argv[4]),
              log=lambda level, message: None)
seconds = time.perf_counter() - start
usage = lambda who: round(resource.getrusage(who).ru_maxrss / 1024, 1)
print(json.dumps({"seconds": seconds, "counts": manifest.counts,
                  "rss_self_mb": usage(resource.RUSAGE_SELF),
                  "rss_children_mb": usage(resource.RUSAGE_CHILDREN)}))
"""

_STARTUP = """
import time
start = time.perf_counter()
import extractor
extractor.Pipeline()("预热")
print(time.perf_counter() - start)
"""


def _python(code: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"benchmark subprocess failed:\n{done.stderr.strip()}")
    return done.stdout.strip().splitlines()[-1]


def pipeline_run(corpus: Path, jobs: int, tmp: Path, stats: dict) -> dict:
    """The batch runner over the whole file with `jobs` processes (`jobs=1` runs in-process)."""
    batch = max(1, min(32, stats["documents"] // (4 * jobs)))  # small inputs still reach every worker
    out = json.loads(_python(_WORKER, str(corpus), str(tmp / f"records-{jobs}.jsonl"), str(jobs), str(batch)))
    failed = out["counts"]["documents"]["failed"]
    if failed:
        raise RuntimeError(f"{failed} benchmark documents failed")
    return {
        "seconds": round(out["seconds"], 2),
        "chars_per_s": round(stats["characters"] / out["seconds"]),
        "docs_per_s": round(stats["documents"] / out["seconds"], 1),
        "peak_rss_per_worker_mb": out["rss_self_mb"] if jobs == 1 else out["rss_children_mb"],
        "records": sum(out["counts"]["records"].values()),
    }


def startup_seconds() -> float:
    """Import, rule compile and a first call, in a fresh interpreter (the best of three)."""
    return round(min(float(_python(_STARTUP)) for _ in range(3)), 3)


def rules_timing(tmp: Path) -> dict[str, float]:
    """Seconds to load and compile every bundled rule (no cache), and what a researcher's
    10,000-name gazetteer adds."""
    from extractor import rules as rules_module
    from extractor.entities import _load, entity_matcher_for, load_entity_rules
    from extractor.kinds import KindClassifier
    from extractor.periods import PeriodMatcher
    from extractor.quantities import QuantityMatcher

    def build(dirs):
        rules_module._load_cached.cache_clear()
        _load.cache_clear()
        regex.purge()  # the regex module caches compiled patterns: measure a cold compile
        start = time.perf_counter()
        ruleset = rules_module.load_rules(dirs)
        QuantityMatcher(ruleset), PeriodMatcher(ruleset), KindClassifier(ruleset)
        entity_matcher_for(load_entity_rules(dirs), (*ruleset.actions, str(time.time())))
        return time.perf_counter() - start

    build([])  # imports and first-use setup are start-up's, not the rules'
    bundled = build([])
    folder = tmp / "gazetteer" / "entities"
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    chars = "华信达宏远嘉德瑞丰恒泰安盛鑫隆兴海天博通源科创新能"
    names = sorted({"".join(rng.choice(chars) for _ in range(4)) + "集团" for _ in range(12000)})[:10000]
    (folder / "firms.yaml").write_text(
        "gazetteers:\n  - id: org.firms\n    label: ORG\n    terms: [" + ", ".join(names) + "]\n",
        encoding="utf-8",
    )
    with_list = build([str(tmp / "gazetteer")])
    return {"rules_compile_s": round(bundled, 3), "gazetteer_10k_extra_s": round(with_list - bundled, 3)}


_ENTITY_OVERHEAD = """
import json, sys, time
from extractor import Pipeline
from extractor.benchmark import texts
from extractor.pipeline import record_rows
from pathlib import Path
docs = list(texts(Path(sys.argv[1])))
spent, shares = {}, {}
clock = time.perf_counter
for entities in (False, True, False, True):  # alternating, best of two each
    pipe = Pipeline(entities=entities)
    pipe("预热")
    start = clock()
    for doc in docs:  # each step timed: the tokenizer (segmenting, the Doc), each stage, the records
        step = clock()
        made = pipe.make_doc(doc)
        shares["tokenizer"] = shares.get("tokenizer", 0) + clock() - step
        for name, stage in pipe.nlp.pipeline:
            step = clock()
            made = stage(made)
            shares[name] = shares.get(name, 0) + clock() - step
        step = clock()
        record_rows(made)
        shares["records"] = shares.get("records", 0) + clock() - step
    seconds = clock() - start
    spent[entities] = min(seconds, spent.get(entities, seconds))
    if not entities:
        shares = {}  # the shares are those of the last run, entities included
total = sum(shares.values())
print(json.dumps({"without_s": spent[False], "with_s": spent[True],
                  "shares": {k: round(v / total, 3) for k, v in shares.items()}}))
"""


_PAIRED = """
import gzip, json, sys, time
import jieba
from extractor.batch import Options, cached_pipeline, process_document
from extractor.reader import Document
from extractor.writers import jsonl_bytes
jieba.setLogLevel(60)
pipe, options = cached_pipeline(Options()), Options()
pipe("预热"), jieba.lcut("预热")
clock, spent, limit = time.perf_counter, {"pipeline": 0.0, "lcut": 0.0}, int(sys.argv[2])

def run_pipeline(n, text):
    jsonl_bytes(process_document(pipe, Document(f"g{n}", text, "bench"), options).rows)

def run_lcut(n, text):
    jieba.lcut(text)

with gzip.open(sys.argv[1], "rt", encoding="utf-8") as lines:
    for n, line in enumerate(lines):
        if n >= limit:
            break
        text = json.loads(line)["text"]
        order = (("pipeline", run_pipeline), ("lcut", run_lcut))
        for name, fn in order if n % 2 else order[::-1]:
            start = clock()
            fn(n, text)
            spent[name] += clock() - start
print(json.dumps(spent))
"""
PAIRED_DOCUMENTS = 2000  # ~4 million characters: enough to average out, quick at 100 MB


def paired_ratio(corpus: Path) -> float:
    """The pipeline's throughput over jieba.lcut's, timed document by document in turn in one
    process (as the batch runner does each document, JSON included, but no file I/O), so a machine
    whose speed drifts (a shared VM) slows both alike; the unpaired figures time them minutes apart."""
    spent = json.loads(_python(_PAIRED, str(corpus), str(PAIRED_DOCUMENTS)))
    return round(spent["lcut"] / spent["pipeline"], 3)


def entity_overhead(corpus: Path) -> dict:
    """The pipeline's time with the entity stage over its time without it, in one process, and
    each stage's share of the time (the profile behind the throughput figures)."""
    out = json.loads(_python(_ENTITY_OVERHEAD, str(corpus)))
    return {"without_entities_s": round(out["without_s"], 2), "with_entities_s": round(out["with_s"], 2),
            "entity_time_ratio": round(out["with_s"] / out["without_s"], 3), "time_shares": out["shares"]}


def measure_size(mb: float, jobs: int, tmp: Path) -> dict:
    import jieba

    from extractor.rules import load_rules
    from extractor.tokenizer import _jieba, segmenter_backend

    corpus = tmp / f"bench-{mb:g}mb.jsonl.gz"
    stats = write_corpus(mb, corpus)
    jieba.setLogLevel(60)
    jieba.lcut("预热")
    segment, backend = _jieba(load_rules([]).user_words()), segmenter_backend("jieba")
    number = regex.compile(r"[0-9]+(?:\.[0-9]+)?")
    row = {"mb": mb, **stats, "jobs": jobs}
    row["pipeline_1"] = pipeline_run(corpus, 1, tmp, stats)
    if jobs > 1:
        row[f"pipeline_{jobs}"] = pipeline_run(corpus, jobs, tmp, stats)
        row["speedup"] = round(row[f"pipeline_{jobs}"]["chars_per_s"] / row["pipeline_1"]["chars_per_s"], 2)
    row["jieba_lcut_chars_per_s"] = round(rate(jieba.lcut, corpus))
    row["segmenter"] = backend
    row["segmenter_chars_per_s"] = round(rate(lambda t: list(segment(t)), corpus))
    row["regex_scan_chars_per_s"] = round(rate(number.findall, corpus))
    row["pipeline_vs_jieba_lcut"] = round(row["pipeline_1"]["chars_per_s"] / row["jieba_lcut_chars_per_s"], 3)
    row["pipeline_vs_jieba_lcut_paired"] = paired_ratio(corpus)
    if mb <= 10:  # the entity stage's share (issue bar: at most +50%), on the smaller sizes only
        row.update(entity_overhead(corpus))
    return row


def table(results: dict) -> str:
    ratios = [f"{r['mb']:g} MB: {r['entity_time_ratio']}"
              for r in results["sizes"] if "entity_time_ratio" in r]
    paired = [f"{r['mb']:g} MB: {r['pipeline_vs_jieba_lcut_paired']}"
              for r in results["sizes"] if "pipeline_vs_jieba_lcut_paired" in r]
    lines = [f"start-up (fresh process, import + rules + first call): {results['startup_s']} s",
             f"pipeline / jieba.lcut, timed document by document in turn (first {PAIRED_DOCUMENTS} "
             f"documents): {', '.join(paired) or 'not measured'}",
             f"time with the entity stage / without it: {', '.join(ratios) or 'not measured'}",
             f"rules compile: {results['rules_compile_s']} s; a 10,000-name gazetteer adds "
             f"{results['gazetteer_10k_extra_s']} s"]
    for r in results["sizes"]:
        if "time_shares" in r:
            shares = ", ".join(f"{k.removeprefix('zh_')} {v:.0%}" for k, v in r["time_shares"].items())
            lines.append(f"where the time goes ({r['mb']:g} MB, one process): {shares}")
    head = (f"{'MB':>6} {'docs':>7} {'jobs':>4} {'chars/s':>9} {'docs/s':>7} {'RSS/worker':>10} "
            f"{'speed-up':>8} {'jieba.lcut':>10} {'vs lcut':>7} {'segmenter':>10} {'regex':>10}")
    lines.append(head)
    for row in results["sizes"]:
        for jobs in (1, row["jobs"]) if row["jobs"] > 1 else (1,):
            run = row[f"pipeline_{jobs}"]
            first = jobs == 1
            lines.append(
                f"{row['mb']:>6g} {row['documents']:>7} {jobs:>4} "
                f"{run['chars_per_s']:>9} {run['docs_per_s']:>7} "
                f"{run['peak_rss_per_worker_mb']:>8}MB "
                f"{'' if first else row['speedup']:>8} "
                f"{row['jieba_lcut_chars_per_s'] if first else '':>10} "
                f"{row['pipeline_vs_jieba_lcut'] if first else '':>7} "
                f"{row['segmenter_chars_per_s'] if first else '':>10} "
                f"{row['regex_scan_chars_per_s'] if first else '':>10}"
            )
    return "\n".join(lines)


def main(sizes: list[float], jobs: int | None = None, out: Path | None = None) -> dict:
    jobs = jobs or os.cpu_count() or 1
    results: dict = {"python": sys.version.split()[0], "cpus": os.cpu_count()}
    results["startup_s"] = startup_seconds()
    with tempfile.TemporaryDirectory() as tmp:
        results.update(rules_timing(Path(tmp)))
        results["sizes"] = [measure_size(mb, jobs, Path(tmp)) for mb in sizes]
    results["bench_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(table(results))
    if out is not None:
        out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"results: {out}")
    return results
