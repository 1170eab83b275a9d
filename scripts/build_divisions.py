"""Build rules/entities/divisions.tsv from a public table: China's administrative divisions.

Source: the `adcodes.csv` table shipped in the `cpca` package (MIT licence,
https://github.com/DQinYuan/chinese_province_city_area_mapper), fetched from the package index
without installing it. Run from the project root:

    python scripts/build_divisions.py            # downloads cpca 0.5.5 with pip
    python scripts/build_divisions.py WHEEL.whl  # or reads a wheel you already have
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "rules" / "entities" / "divisions.tsv"
PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
CITY_SUFFIXES = ("自治州", "地区", "市", "盟")
PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def _wheel() -> Path:
    if len(sys.argv) > 1:
        return Path(sys.argv[1])
    tmp = Path(tempfile.mkdtemp())
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "cpca==0.5.5", "-d", str(tmp)],
                   check=True, capture_output=True)
    return next(tmp.glob("cpca-*.whl"))


def short_form(name: str, suffixes: tuple[str, ...]) -> str | None:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


def main() -> None:
    with zipfile.ZipFile(_wheel()) as wheel:
        table = wheel.read("cpca/resources/adcodes.csv").decode("utf-8")
    rows = []
    for row in csv.DictReader(io.StringIO(table)):
        code, name = row["adcode"], row["name"]
        if name in PLACEHOLDERS:
            continue
        if code.endswith("0" * 10):
            level, short = "province", short_form(name, PROVINCE_SUFFIXES)
        elif code.endswith("0" * 8):
            level, short = "city", short_form(name, CITY_SUFFIXES)
        else:
            level, short = "county", None  # 中原区 -> 中原 would collide with common words
        rows.append((name, short or "", code[:6], level))
    rows.sort(key=lambda r: r[2])
    with open(OUT, "w", encoding="utf-8", newline="") as out:
        out.write("# China's administrative divisions: name, short form, code, level.\n")
        out.write("# Built by scripts/build_divisions.py from cpca's adcodes.csv (MIT licence).\n")
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        writer.writerow(["name", "short", "code", "level"])
        writer.writerows(rows)
    print(f"{len(rows)} divisions written to {OUT}")


if __name__ == "__main__":
    main()
