"""The rosters of bench/import.py: a small union tree, then member rosters as union staff
send them (会员基本信息采集表), as CSV (UTF-8 with a BOM and CRLF, as Excel saves "CSV UTF-8")
and as xlsx (one sheet, a header row, ID and phone numbers as text, 入会时间 as date cells).

The tree is _members_data's province (四川: province, city and county federations, a union
for every township, a pool union in every county) with only `grassroots` grassroots unions
(default 2,000), spread over the province's counties. Every roster row names its union in a
工会代码 column, drawn in proportion to the staff of the union's employer, so a file spans
most of the province's counties (member numbers are issued per county).

Every row is a distinct, valid person: a Faker zh_CN name, a GB 11643 ID number that is unique
over all rosters of the run (region: the union's county for 70%, else another county; born
1960-1999; _members_data.Numbers), a unique mobile (13x-18x), 性别 matching the ID number,
学历 in the words people write, 户籍地 as the county code of the ID number, and 入会时间 between
the 18th birthday (or 1995) and a month ago. The rows are valid and unique, so an import that
checks and dedups them must import every one.
"""

import csv
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from _members_data import PERSON_BIRTHS, PERSON_PHONES, Numbers, plan_tree
from _tree_data import write as write_tree
from faker import Faker
from openpyxl import Workbook

from gonghui.unions.models import TradeUnion

K = TradeUnion.Kind
HEADERS = ["姓名", "公民身份号码", "性别", "手机号码", "学历", "户籍地", "工会代码", "入会时间"]
# The bare table of the COPY baseline takes the same columns, in the same order.
RAW_COLUMNS = [
    "name", "id_number", "sex", "phone", "education", "household_region", "union_code",
    "joined_on",
]  # fmt: skip
EDUCATION = [("初中", 12), ("高中", 18), ("中专", 10), ("大专", 25), ("本科", 28),
             ("硕士研究生", 5), ("", 2)]  # fmt: skip
FIRST_JOINED = date(1995, 1, 1)


@dataclass
class Tree:
    unions: int = 0
    grassroots: list = field(default_factory=list)  # (code, county code, employer staff)
    counties: list = field(default_factory=list)  # county codes of the province


def build_tree(grassroots, seed):
    """Plan and write the province with `grassroots` grassroots unions."""
    plan, pools = plan_tree(grassroots, seed)
    write_tree(plan)
    tree = Tree(unions=len(plan.unions))
    tree.grassroots = [
        (firm["covering_union"].code, firm["covering_union"].region_id[:6], firm["employee_count"])
        for firm in plan.firms
        if firm["covering_union"] is not None
    ]
    tree.counties = sorted({u.region_id[:6] for u in pools})
    return tree


class Roster:
    """Draws rows of distinct persons; the numbers stay unique across every call."""

    def __init__(self, tree, seed):
        self.rng = random.Random(f"{seed}-roster")
        self.numbers = Numbers(
            self.rng, tree.counties, PERSON_BIRTHS, [f"1{d}" for d in PERSON_PHONES]
        )
        self.unions = [(code, county) for code, county, _staff in tree.grassroots]
        self.staff = [staff for _code, _county, staff in tree.grassroots]
        self.fake = Faker("zh_CN")
        self.latest = date.today() - timedelta(days=30)
        self.education = [word for word, _w in EDUCATION]
        self.weights = [weight for _word, weight in EDUCATION]

    def rows(self, count, part):
        """`count` rows in HEADERS order, 入会时间 as a date."""
        rng, numbers = self.rng, self.numbers
        self.fake.seed_instance(f"{part}")
        for union_code, county in rng.choices(self.unions, self.staff, k=count):
            number = numbers.id_number(county)
            birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
            first = max(FIRST_JOINED, birth.replace(year=birth.year + 18, day=min(birth.day, 28)))
            joined = first + timedelta(days=rng.randrange((self.latest - first).days))
            yield [
                self.fake.name(),
                number,
                "男" if int(number[16]) % 2 else "女",
                numbers.phone(),
                rng.choices(self.education, self.weights)[0],
                number[:6],
                union_code,
                joined,
            ]


def write_csv(path, rows):
    """A roster as Excel saves "CSV UTF-8": a BOM, CRLF line ends; dates as 2023-10-08."""
    written = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(HEADERS)
        for row in rows:
            writer.writerow([*row[:-1], row[-1].isoformat()])
            written += 1
    return written


def write_xlsx(path, rows, twin=None):
    """A roster as one xlsx sheet (openpyxl, write-only): a header row, text cells, 入会时间 a
    date cell. `twin`, if given, gets the same rows as CSV (the COPY baseline reads it)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("会员信息")
    sheet.append(HEADERS)
    written = 0
    with open(twin or "/dev/null", "w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(HEADERS)
        for row in rows:
            sheet.append(row)
            writer.writerow([*row[:-1], row[-1].isoformat()])
            written += 1
    workbook.save(path)
    return written
