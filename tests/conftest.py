from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # cli.py lives at the top level
    sys.path.insert(0, str(ROOT))

CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def pipe():
    from extractor import Pipeline

    return Pipeline()


@pytest.fixture(scope="session")
def rules():
    from extractor import load_rules

    return load_rules()
