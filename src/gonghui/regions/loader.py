"""Loading the division table from the generated data file (see data/SOURCES.md)."""

import csv
import gzip
import io
from pathlib import Path

from django.db import transaction

from gonghui.lib.identity import forget_region_prefixes
from gonghui.regions.models import Region

DEFAULT_FILE = Path(__file__).parent / "data" / "regions.csv.gz"
# Statistical groupings, not places: left out of full names (重庆市 县 → 重庆市).
PLACEHOLDERS = {"市辖区", "县", "市", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def read_rows(path):
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as raw:
        yield from csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8-sig"))


def full_names(rows):
    """Names joined down the tree: 四川省 成都市 锦江区 (placeholders such as 市辖区 left out)."""
    by_code = {r["code"]: r for r in rows}
    cache = {}

    def name(code):
        if code not in cache:
            row = by_code[code]
            own = "" if row["name"] in PLACEHOLDERS else row["name"]
            parent = name(row["parent"]) if row["parent"] else ""
            cache[code] = " ".join(p for p in (parent, own) if p)
        return cache[code]

    return {code: name(code) for code in by_code}


@transaction.atomic
def load(path=DEFAULT_FILE, batch_size=5000):
    """Insert or update every division in the file; returns (created, updated)."""
    rows = list(read_rows(path))
    names = full_names(rows)
    existing = set(Region.objects.values_list("code", flat=True))
    objs = [
        Region(
            code=r["code"],
            name=r["name"],
            full_name=names[r["code"]],
            level=r["level"],
            parent_id=r["parent"] or None,
            valid_from=int(r["valid_from"]) if r["valid_from"] else None,
            valid_to=int(r["valid_to"]) if r["valid_to"] else None,
        )
        for r in rows
    ]
    new = [o for o in objs if o.code not in existing]
    old = [o for o in objs if o.code in existing]
    # Level by level (Level lists provinces first), so a parent is always in before its children.
    for level in Region.Level.values:
        Region.objects.bulk_create([o for o in new if o.level == level], batch_size=batch_size)
    Region.objects.bulk_update(
        old, ["name", "full_name", "level", "parent", "valid_from", "valid_to"], batch_size
    )
    forget_region_prefixes()
    return len(new), len(old)
