"""Benchmark: throughput of the whole pipeline against jieba.lcut alone (the floor of any
segmenting pipeline) and a plain regex scan of numbers (the ceiling), plus start-up time and
peak memory. Text is generated from the bundled corpus, so no download is needed.

    python -m bench --mb 1
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_corpus(mb: float, seed: int = 13) -> list[str]:
    """Articles of ~2,000 characters from shuffled corpus sentences with varied numbers."""
    import regex

    rng = random.Random(seed)
    sentences = []
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        sentences += [
            s for s in regex.split(r"(?<=[。！？\n])", path.read_text(encoding="utf-8")) if s.strip()
        ]

    def vary(m):
        digits = m.group()
        return str(max(1, int(int(digits) * rng.uniform(0.5, 1.5)))) if len(digits) < 6 else digits

    target = int(mb * 1024 * 1024)
    docs, size = [], 0
    while size < target:
        doc = "".join(regex.sub(r"\d+", vary, rng.choice(sentences)) for _ in range(40))
        docs.append(doc)
        size += len(doc.encode("utf-8"))
    return docs


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
        start = time.perf_counter()
        ruleset = rules_module.load_rules(dirs)
        QuantityMatcher(ruleset), PeriodMatcher(ruleset), KindClassifier(ruleset)
        entity_matcher_for(load_entity_rules(dirs), (*ruleset.actions, str(time.time())))
        return time.perf_counter() - start

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


def _rate(fn, docs) -> float:
    chars = sum(len(d) for d in docs)
    start = time.perf_counter()
    fn(docs)
    return chars / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mb", type=float, default=1.0, help="size of generated text in MB")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    args = parser.parse_args()

    t0 = time.perf_counter()
    import extractor

    pipe = extractor.Pipeline()
    pipe("预热")
    startup = time.perf_counter() - t0

    docs = make_corpus(args.mb)
    import jieba
    import regex

    jieba.setLogLevel(60)
    jieba.lcut("预热")
    number = regex.compile(r"[0-9]+(?:\.[0-9]+)?")
    results = {
        "mb": args.mb,
        "documents": len(docs),
        "characters": sum(len(d) for d in docs),
        "startup_s": round(startup, 3),
        "pipeline_chars_per_s": round(_rate(lambda ds: [pipe(d) for d in ds], docs)),
        "jieba_lcut_chars_per_s": round(_rate(lambda ds: [jieba.lcut(d) for d in ds], docs)),
        "regex_scan_chars_per_s": round(_rate(lambda ds: [number.findall(d) for d in ds], docs)),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    results["pipeline_vs_jieba"] = round(
        results["pipeline_chars_per_s"] / results["jieba_lcut_chars_per_s"], 3
    )
    for key, value in results.items():
        print(f"{key:>24}  {value}")
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        results.update(rules_timing(Path(tmp)))
    for key in ("rules_compile_s", "gazetteer_10k_extra_s"):
        print(f"{key:>24}  {results[key]}")
    args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
