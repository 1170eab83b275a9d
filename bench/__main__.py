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
    args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
