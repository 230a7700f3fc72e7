"""Importing the member roster (会员基本信息采集表) into the registry.

Each row is checked by `services.person_values`, the same rules as the join page and the
API, and its stored fields made by `services.person_fields` (ID number encrypted, indexed and
masked). jobs/importing.py stages the rows; this module adds the set checks — the same
person twice in the file, a member of another union, a phone held by another person —
and the set-based merge: new persons, their memberships with member numbers issued per
county (kept for life for a returning member), each record marked with its import.
"""

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.scope import actor_or_system, scope_path
from gonghui.core.validation import Errors
from gonghui.jobs import importing
from gonghui.jobs.runner import JobRefused
from gonghui.lib.tabular import Column, parse_date
from gonghui.lib.text import clean_text, compact_code
from gonghui.members import services
from gonghui.members.models import Person
from gonghui.members.numbers import county_prefix, reserve_member_numbers
from gonghui.regions.models import Region
from gonghui.unions.models import TradeUnion

COLUMNS = [
    Column("name", "姓名", ("职工姓名", "会员姓名", "名字"), required=True),
    Column(
        "id_number",
        "公民身份号码",
        ("身份证号", "身份证号码", "身份证", "居民身份证号码", "证件号码", "身份证件号码"),
        required=True,
        kind="code",
    ),
    Column(
        "phone",
        "手机号码",
        ("手机号", "手机", "联系电话", "移动电话", "电话"),
        kind="code",
    ),
    Column("sex", "性别"),
    Column("education", "学历", ("文化程度", "最高学历")),
    Column("employment_form", "就业形态", ("用工形式", "是否新就业形态劳动者", "职工类型")),
    Column("platform", "平台类型", ("新就业形态类型", "从业类型", "新就业形态职业")),
    Column(
        "household_region", "户籍地", ("户籍所在地", "户籍地区划代码", "户口所在地"), kind="code"
    ),
    Column("residence_region", "常住地", ("现居住地", "居住地", "常住地区划代码"), kind="code"),
    Column(
        "union",
        "工会编码",
        ("工会代码", "所属工会代码", "基层工会代码", "工会组织代码"),
        kind="code",
    ),
    Column("joined_on", "入会时间", ("入会日期", "加入工会时间"), kind="date"),
    Column("card_number", "会员卡号", ("会员服务卡号", "工会会员卡号", "服务卡号"), kind="code"),
]
HEADERS = {c.field: c.header for c in COLUMNS}

# Words people write in these columns, beside our own labels (which are matched too).
EDUCATION_WORDS = {
    "小学": "primary", "小学及以下": "primary", "初中": "junior", "初中及以下": "junior",
    "高中": "senior", "中专": "senior", "职高": "senior", "技校": "senior", "中技": "senior",
    "大专": "college", "专科": "college", "高职": "college", "本科": "bachelor",
    "大学本科": "bachelor", "大学": "bachelor", "研究生": "postgraduate", "硕士": "postgraduate",
    "博士": "postgraduate", "硕士研究生": "postgraduate", "博士研究生": "postgraduate",
}  # fmt: skip
FORM_WORDS = {
    "是": "gig", "新就业形态": "gig", "新就业形态劳动者": "gig", "灵活就业": "gig",
    "否": "standard", "职工": "standard", "劳动合同": "standard", "劳动合同职工": "standard",
    "在职职工": "standard",
}  # fmt: skip
PLATFORM_WORDS = {
    "快递": "courier", "快递员": "courier", "快递小哥": "courier", "外卖": "food_delivery",
    "骑手": "food_delivery", "外卖骑手": "food_delivery", "外卖送餐员": "food_delivery",
    "网约配送员": "food_delivery", "网约车": "ride_hailing", "网约车司机": "ride_hailing",
    "货车": "truck", "货车司机": "truck", "货运司机": "truck", "家政": "domestic",
    "家政服务员": "domestic", "家政服务": "domestic", "其他": "other",
}  # fmt: skip
SEX_WORDS = {"男": "male", "女": "female"}

STAGE_COLUMNS = [
    ("name", "text"), ("name_pinyin", "text"), ("name_initials", "text"),
    ("id_number_encrypted", "bytes"), ("id_number_index", "text"),
    ("id_number_masked", "text"), ("sex", "text"), ("birth_date", "date"),
    ("phone_encrypted", "bytes"), ("phone_index", "text"), ("phone_masked", "text"),
    ("household_region_id", "text"), ("residence_region_id", "text"), ("education", "text"),
    ("employment_form", "text"), ("platform", "text"), ("union_id", "int"),
    ("number_prefix", "text"), ("joined_on", "date"), ("card_number", "text"),
    # Filled by the set checks and the merge:
    ("unchanged", "int"), ("person_id", "int"), ("member_number", "text"),
]  # fmt: skip
PERSON_COLUMNS = [
    "name", "name_pinyin", "name_initials", "id_number_encrypted", "id_number_index",
    "id_number_masked", "sex", "birth_date", "phone_encrypted", "phone_index", "phone_masked",
    "household_region_id", "residence_region_id", "education", "employment_form", "platform",
]  # fmt: skip


def choice_words(choices, extra):
    """What a cell may say → the stored value: our values, our labels, common words."""
    words = {str(label): value for value, label in choices}
    words.update({value: value for value, _label in choices})
    words.update(extra)
    return words


class Context:
    """What the rows of one import share: the actor, the default union, lookups."""

    def __init__(self, job, table):
        self.job = job
        self.actor = actor_or_system(job.user)
        self.unions = TradeUnion.objects.visible_to(self.actor)
        self.union_cache = {}
        # Division code or full name → the region, made once (not a model instance per row).
        self.regions = {}
        for code, full_name in Region.objects.values_list("code", "full_name"):
            region = self.regions[code] = Region(code=code)
            self.regions.setdefault(full_name.replace(" ", ""), region)
        self.education = choice_words(Person.Education.choices, EDUCATION_WORDS)
        self.forms = choice_words(Person.EmploymentForm.choices, FORM_WORDS)
        self.platforms = choice_words(Person.Platform.choices, PLATFORM_WORDS)
        self.table = table
        # The union for rows that name none. One that cannot take them (a federation, as
        # the form offers a county's staff) refuses the file only when no row can name
        # its own; with a 工会编码 column, the rows without a code are the ones in error.
        self.default_union, self.default_refusal = None, None
        code = job.options.get("union")
        if code:
            self.default_union, self.default_refusal = self.union(code)
            if self.default_refusal and "union" not in table.mapped:
                raise JobRefused(self.default_refusal)
        self.today = timezone.localdate()

    def find_region(self, code):
        return self.regions.get(code)

    def union(self, code):
        """(union, None) or (None, why not) for a union code, within the actor's scope."""
        code = compact_code(code)
        if code not in self.union_cache:
            self.load_unions({code})
        return self.union_cache[code]

    def load_unions(self, codes):
        """Look up these union codes in one query (a query per code costs more in planning
        than in reading: ~3 ms each) and cache each answer."""
        found = {u.code: u for u in self.unions.filter(code__in=codes)} if codes else {}
        for code in codes:
            union, message = found.get(code), None
            if union is None:
                message = _("No union with code %(code)s in your scope.") % {"code": code}
            elif not union.is_active:
                message = _("%(name)s is %(status)s and takes no members.") % {
                    "name": union.name,
                    "status": union.get_status_display(),
                }
            elif union.kind not in services.RECEIVING_KINDS:
                message = _("%(name)s does not take members directly.") % {"name": union.name}
            self.union_cache[code] = (None if message else union, message)


class MemberImporter:
    subject = "members"
    title = gettext_lazy("member roster")  # 会员基本信息采集表
    union_help = gettext_lazy("The union the members join, for rows without a 工会编码 column.")
    columns = COLUMNS
    stage_columns = STAGE_COLUMNS
    merges_while_reading = True  # see jobs/merging.py
    example = None  # an example row would be imported by whoever forgets to delete it

    def summary(self, counts):
        return (
            _(
                "%(persons_created)d persons and %(memberships_created)d memberships created, "
                "%(unchanged)d already members"
            )
            % counts
        )

    def header_of(self, table, field):
        """The column's header as the file has it (our template's when it has none)."""
        return table.mapped.get(field) or HEADERS.get(field, field)

    def prepare(self, job, table):
        return Context(job, table)

    def prefetch(self, rows, context):
        """The unions a batch of rows names that are not known yet, looked up at once."""
        codes = {compact_code(row.values.get("union") or "") for row in rows}
        context.load_unions(codes - context.union_cache.keys() - {""})

    def check_row(self, row, context, problems):
        """Check one row by the services' rules; the stage values (None where unknown)."""
        # A cell that could not be read (a formula, an impossible date) counts as empty here.
        v = {k: "" if k in row.problems else value for k, value in row.values.items()}
        errors = Errors()

        def word(field, words):
            text = clean_text(v.get(field, ""))
            if text and text not in words:
                errors.add(
                    field, _("“%(value)s” is not one of the known values.") % {"value": text}
                )
                return ""
            return words.get(text, "")

        data = {
            "name": v.get("name", ""),
            "id_number": v.get("id_number", ""),
            "phone": v.get("phone", ""),
            "household_region": v.get("household_region", ""),
            "residence_region": v.get("residence_region", ""),
            "education": word("education", context.education),
            "employment_form": word("employment_form", context.forms) or "standard",
            "platform": word("platform", context.platforms),
        }
        if data["platform"] and "employment_form" not in errors.by_field:
            data["employment_form"] = "gig"  # a platform named says it
        values = services.person_values(data, errors, find=context.find_region)
        union = context.default_union
        if clean_text(v.get("union", "")):
            union, message = context.union(v["union"])
            if message:
                errors.add("union", message)
        elif union is None:
            errors.add(
                "union",
                context.default_refusal
                or _("Name the union in this column, or choose one for the file."),
            )
        joined_on = v.get("joined_on") or context.today
        if isinstance(joined_on, str):
            try:
                joined_on = parse_date(joined_on)
            except ValueError as e:
                errors.add("joined_on", str(e))
                joined_on = None
        if joined_on and joined_on > context.today:
            errors.add("joined_on", _("The date cannot be in the future."))
        card = compact_code(v.get("card_number", ""))
        if len(card) > 30:
            errors.add("card_number", _("At most %(max)d characters.") % {"max": 30})
        person = None
        if "id_number" not in errors.by_field and "name" not in errors.by_field:
            person = services.person_fields(values)
            sex = SEX_WORDS.get(clean_text(v.get("sex", "")))
            if sex and sex != person["sex"]:
                errors.add("sex", _("Does not match the ID-card number (%(sex)s).") % {
                    "sex": Person.Sex(person["sex"]).label})  # fmt: skip
            if joined_on and joined_on < person["birth_date"]:
                errors.add("joined_on", _("The date is before the birth date."))
        for field, messages in errors.by_field.items():
            if field in row.problems:
                continue  # the cell could not be read: that message says enough
            for message in messages:
                problems.add(self.header_of(context.table, field), message)
        if person is None or problems.messages:
            return [None] * len(STAGE_COLUMNS)
        for field in ("household_region", "residence_region"):
            region = person.pop(field)
            person[f"{field}_id"] = region.code if region else None
        return [
            *(person[name] for name in PERSON_COLUMNS),
            union.pk, county_prefix(union), joined_on, card, 0, None, None,
        ]  # fmt: skip

    def check_set(self, stage, context, table):
        """The checks that need all rows or the registry, in SQL."""
        s, id_header = stage.name, self.header_of(table, "id_number")
        phone_header = self.header_of(table, "phone")
        with connection.cursor() as c:
            # The same person twice in the file: the later rows are errors.
            several = len(table.sheets) > 1
            for column, header, message in (
                ("id_number_index", id_header, _("The same ID-card number as row %(line)s.")),
                ("phone_index", phone_header, _("The same mobile number as row %(line)s.")),
            ):
                c.execute(
                    f"SELECT d.seq, f.sheet, f.line FROM (SELECT seq, {column}, min(seq) OVER "
                    f"(PARTITION BY {column}) AS first FROM {s} WHERE ok = 1 AND {column} <> '') d "
                    f"JOIN {s} f ON f.seq = d.first WHERE d.seq <> d.first"
                )
                stage.add_errors(
                    (seq, header, message % {"line": f"{sheet} {line}" if several else line})
                    for seq, sheet, line in c.fetchall()
                )
            # Already a member: of this union, the row is left as it is; elsewhere, an error.
            c.execute(
                f"SELECT s.seq, s.union_id, m.union_id, u.name, m.member_number, u.path FROM {s} s "
                "JOIN members_person p ON p.id_number_index = s.id_number_index "
                "JOIN members_membership m ON m.person_id = p.id AND m.status IN "
                "('active', 'retained') JOIN unions_tradeunion u ON u.id = m.union_id "
                "WHERE s.ok = 1"
            )
            same, elsewhere = [], []
            scope = scope_path(context.actor) or "\0"
            for seq, target, union_id, name, number, path in c.fetchall():
                if target == union_id:
                    same.append(seq)
                elif not path.startswith(scope):
                    # Another branch's member: nothing of where (DESIGN rule 2).
                    elsewhere.append((seq, id_header, services.registered_elsewhere()))
                else:
                    message = _(
                        "Already a member of %(union)s (member number %(number)s); "
                        "transfer the membership instead."
                    )
                    elsewhere.append((seq, id_header, message % {"union": name, "number": number}))
            stage.add_errors(elsewhere)
            for i in range(0, len(same), 500):
                chunk = same[i : i + 500]
                c.execute(
                    f"UPDATE {s} SET unchanged = 1 WHERE seq IN ({', '.join(['%s'] * len(chunk))})",
                    chunk,
                )
            # A phone held by another person in the registry.
            c.execute(
                f"SELECT s.seq FROM {s} s JOIN members_person p ON p.phone_index = s.phone_index "
                # p.phone_index <> '' lets the partial unique index serve the join.
                "WHERE s.ok = 1 AND s.phone_index <> '' AND p.phone_index <> '' "
                "AND p.id_number_index <> s.id_number_index"
            )
            held = _("This mobile number belongs to another person; "
                     "the county's administrator can release it.")  # fmt: skip
            stage.add_errors((seq, phone_header, held) for (seq,) in c.fetchall())

    def all_new(self, stage, where):
        """Whether no person of these staged rows is registered yet (jobs/merging.py)."""
        with connection.cursor() as c:
            c.execute(
                f"SELECT 1 FROM {stage.name} s JOIN members_person p "
                f"ON p.id_number_index = s.id_number_index WHERE s.{where} LIMIT 1"
            )
            return c.fetchone() is None

    def merge(self, stage, context, job, where="1 = 1"):
        """Write the good rows (those `where` names): new persons, then a membership for
        each row.

        No statement joins members_person to itself while inserting into it: its statistics
        say "empty" until analysed, and such an anti-join turns into a nested loop over a
        growing table (quadratic)."""
        s = stage.name
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        todo = f"ok = 1 AND unchanged = 0 AND {where}"
        cols = ", ".join(PERSON_COLUMNS)
        find_person = (
            f"(SELECT p.id FROM members_person p WHERE p.id_number_index = {s}.id_number_index)"
        )
        with connection.cursor() as c:
            # Only the rows of persons already registered are rewritten (in a first import,
            # none): an UPDATE of every row would write the whole stage again.
            c.execute(
                f"UPDATE {s} SET person_id = {find_person} WHERE {todo} AND EXISTS {find_person}"
            )
            # A returning member keeps the number of their last membership (kept for life).
            c.execute(
                f"UPDATE {s} SET member_number = (SELECT m.member_number FROM "
                f"members_membership m WHERE m.person_id = {s}.person_id "
                f"ORDER BY m.joined_on DESC, m.id DESC LIMIT 1) "
                f"WHERE {todo} AND person_id IS NOT NULL"
            )
            c.execute(
                f"INSERT INTO members_person ({cols}, created_at, updated_at, import_job_id) "
                f"SELECT {cols}, %s, %s, %s FROM {s} WHERE {todo} AND person_id IS NULL",
                [now, now, job.pk],
            )
            persons = c.rowcount
            # One pass writes the memberships: persons created just now are found by their
            # index and new members numbered from the reserved blocks in file order, in
            # the SELECT, rather than by two more UPDATEs that rewrite every staged row.
            firsts = self.reserve_numbers(stage, todo)
            number = importing.pad_number("s.rank + f.first - 1")
            c.execute(
                "INSERT INTO members_membership (person_id, union_id, member_number, joined_on, "
                "status, card_number, created_at, import_job_id) "
                "SELECT coalesce(s.person_id, (SELECT p.id FROM members_person p "
                "WHERE p.id_number_index = s.id_number_index)), "
                f"s.union_id, coalesce(s.member_number, s.number_prefix || {number}), "
                "s.joined_on, 'active', coalesce(s.card_number, ''), %s, %s "
                "FROM (SELECT seq, person_id, id_number_index, union_id, member_number, "
                "number_prefix, joined_on, card_number, row_number() OVER (PARTITION BY "
                "number_prefix, member_number IS NULL ORDER BY seq) AS rank "
                f"FROM {s} WHERE {todo}) s "
                f"LEFT JOIN {firsts} f ON f.prefix = s.number_prefix AND s.member_number IS NULL "
                "ORDER BY s.seq",
                [now, job.pk],
            )
            memberships = c.rowcount
        return {
            "persons_created": persons,
            "memberships_created": memberships,
            "unchanged": stage.count(f"ok = 1 AND unchanged = 1 AND {where}"),
        }

    def reserve_numbers(self, stage, todo):
        """A block of member numbers reserved per county prefix for the rows without one;
        returns the scratch table of each block's first number (joined by `merge`)."""
        s = stage.name
        firsts = stage.table("numbers", [("prefix", "text"), ("first", "int")])
        with connection.cursor() as c:
            c.execute(
                f"SELECT number_prefix, count(*) FROM {s} "
                f"WHERE {todo} AND member_number IS NULL GROUP BY number_prefix"
            )
            blocks = [
                (prefix, reserve_member_numbers(prefix, count)) for prefix, count in c.fetchall()
            ]
        if blocks:
            stage.insert(blocks, firsts, ["prefix", "first"])
        return firsts
