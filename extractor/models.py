"""Fetch the optional pkuseg model offline-friendly: from the package index, not a model hub.

pkuseg 0.0.25's wheels on the package index carry its `default` model (features + weights).
We download one wheel without installing it, unpack the model into the user cache and convert
its features to the msgpack form spacy-pkuseg reads fastest.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from .errors import ExtractorError
from .tokenizer import pkuseg_model_dir

WHEEL_ARGS = [
    "download", "--no-deps", "--only-binary", ":all:", "--platform", "manylinux1_x86_64",
    "--python-version", "3.7", "--implementation", "cp", "--abi", "cp37m", "pkuseg==0.0.25",
]
MEMBERS = ("pkuseg/models/default/features.pkl", "pkuseg/models/default/weights.npz")


def fetch_pkuseg_model(dest: Path | None = None) -> Path:
    dest = Path(dest) if dest else pkuseg_model_dir()
    if (dest / "weights.npz").is_file() and any(dest.glob("features.*")):
        return dest
    with tempfile.TemporaryDirectory() as tmp:
        run = subprocess.run(
            [sys.executable, "-m", "pip", *WHEEL_ARGS, "-d", tmp], capture_output=True, text=True
        )
        wheels = list(Path(tmp).glob("pkuseg-*.whl"))
        if run.returncode != 0 or not wheels:
            last = (run.stderr or run.stdout).strip().splitlines()[-1:] or ["no output"]
            raise ExtractorError(f"could not download pkuseg 0.0.25 from the package index: {last[0]}")
        raw = Path(tmp) / "model"
        raw.mkdir()
        with zipfile.ZipFile(wheels[0]) as wheel:
            for member in MEMBERS:
                (raw / Path(member).name).write_bytes(wheel.read(member))
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy(raw / "weights.npz", dest / "weights.npz")
        try:
            from spacy_pkuseg.feature_extractor import FeatureExtractor

            with contextlib.redirect_stdout(io.StringIO()):  # it prints a note about .pkl
                FeatureExtractor.load(str(raw)).save(str(dest))  # writes features.msgpack
        except ImportError:
            shutil.copy(raw / "features.pkl", dest / "features.pkl")
    return dest
