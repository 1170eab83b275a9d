"""Benchmark: the whole pipeline with 1 and N jobs against jieba.lcut alone (the floor of any
segmenting pipeline) and a plain regex scan of numbers (the ceiling), plus start-up time and peak
memory per worker, on text generated from the bundled corpus (no download).

    python -m bench --mb 1 10 100        # or: zh-extract bench --mb 1 10 100

The code lives in extractor/benchmark.py, so `zh-extract bench` works from an installed wheel.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from extractor.benchmark import main, make_corpus  # noqa: F401 - make_corpus for profiling scripts

if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mb", type=float, nargs="+", default=[1.0], help="sizes of generated text in MB")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results.json")
    args = parser.parse_args()
    main(args.mb, args.jobs, args.out)
