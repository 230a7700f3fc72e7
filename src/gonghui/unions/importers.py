"""Importing union organisations (工会组织基本信息采集表) and employers (用人单位信息采集表).

Each cell goes through `services.union_values` / `services.employer_values`, the rules of
the web forms and the API, with the divisions read from memory. jobs/importing.py stages
the rows; the checks that need the whole file or the registry are set-based SQL here:
the same code or social-credit code twice in the file, one already registered (an
identical record is left as it is, a different one is an error naming it), the unions a
row names (in the user's scope and active), the same name twice under one parent. A
union file may hold parents and their children in any order: the merge writes it level
by level, each level one INSERT … SELECT, and sets the materialised paths from the
parents'. Every record written carries its import (`import_job`), so its history shows
the import's event.

A social-credit code whose check character fails is a warning to confirm in the form;
a file has nobody to confirm it, so here it is a row error with the same message (enter
such a record through the form, which asks for the confirmation).
"""

import re

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.scope import actor_or_system, require_editor, scope_path
from gonghui.core.validation import Errors
from gonghui.jobs.runner import JobRefused
from gonghui.lib.pinyin import text_pinyin
from gonghui.lib.tabular import Column
from gonghui.lib.text import clean_text, compact_code
from gonghui.regions.models import Region
from gonghui.unions import services
from gonghui.unions.models import Employer, TradeUnion

REGION_ALIASES = (
    "区划代码", "行政区划代码", "行政区划", "所在地行政区划", "所在地区划代码", "所属行政区划",
    "行政区划(代码)",
)  # fmt: skip
USCC_ALIASES = ("社会信用代码", "信用代码", "统一信用代码", "统一社会信用代码证号")

UNION_COLUMNS = [
    Column(
        "code",
        "工会编码",  # the platform's word; 工会代码 and the others are read as well
        ("工会代码", "组织代码", "工会组织代码", "工会统计编码", "统计编码", "工会组织编码"),
        required=True,
        kind="code",
    ),
    Column("name", "工会名称", ("工会组织名称", "组织名称", "工会全称"), required=True),
    Column("kind", "工会类别", ("组织类型", "工会类型", "工会组织类型", "组织类别"), required=True),
    Column(
        "parent",
        "上级工会编码",
        ("上级工会代码", "上级工会组织代码", "上级组织代码", "上级代码"),
        kind="code",
    ),
    Column("region", "所在行政区划", REGION_ALIASES, required=True, kind="code"),
    Column("uscc", "统一社会信用代码", ("工会法人统一社会信用代码", *USCC_ALIASES), kind="code"),
    Column("founded_on", "成立日期", ("建会日期", "建会时间", "成立时间", "组建时间"), kind="date"),
    Column("chair", "工会主席", ("主席姓名", "主席", "工会主席姓名")),
    Column("contact_person", "联系人", ("工会联系人", "联系人姓名")),
    Column("contact_phone", "联系电话", ("联系人电话", "工会联系电话", "办公电话"), kind="code"),
    Column("address", "地址", ("工会地址", "通讯地址", "办公地址", "详细地址")),
]
EMPLOYER_COLUMNS = [
    Column("name", "单位名称", ("用人单位名称", "用人单位", "企业名称", "单位全称"), required=True),
    Column("uscc", "统一社会信用代码", USCC_ALIASES, kind="code"),
    Column("region", "所在行政区划", REGION_ALIASES, required=True, kind="code"),
    Column(
        "industry", "行业", ("所属行业", "行业门类", "行业类别", "国民经济行业分类"), required=True
    ),
    Column("employee_count", "职工人数", ("从业人数", "员工人数", "职工数", "在岗职工人数")),
    Column("address", "单位地址", ("地址", "注册地址", "经营地址", "详细地址")),
    Column(
        "local_union",
        "属地工会编码",
        ("属地工会代码", "属地工会", "属地总工会代码", "所在地工会代码"),
        kind="code",
    ),
    Column(
        "covering_union",
        "建会工会编码",
        ("建会工会代码", "所属工会代码", "本单位工会代码", "单位工会代码", "工会代码", "工会编码"),
        kind="code",
    ),
]

# Words people write in these columns, beside our values and labels (matched too).
KIND_WORDS = {
    "总工会": "federation", "地方总工会": "federation", "省总工会": "federation",
    "市总工会": "federation", "县总工会": "federation", "区总工会": "federation",
    "县(区)总工会": "federation", "产业工会": "industry", "乡镇工会": "township",
    "街道工会": "township", "乡镇(街道)工会": "township", "乡镇街道工会": "township",
    "基层工会": "grassroots", "企业工会": "grassroots", "单位工会": "grassroots",
    "机关工会": "grassroots", "事业单位工会": "grassroots", "联合工会": "joint",
    "联合基层工会": "joint", "行业工会联合会": "sector", "行业联合会": "sector",
    "区域工会联合会": "area", "区域联合会": "area", "新就业形态劳动者工会": "gig_pool",
    "新就业形态工会": "gig_pool",
}  # fmt: skip
_COUNT = re.compile(r"^-?\d+$")


def _key(text):
    """A cell or a label reduced for matching: half-width, no spaces, upper case."""
    return compact_code(text)


def choice_words(choices, extra=None, strip_letter=False):
    """What a cell may say → the stored value: our values, our labels in Chinese and in
    English, common words. `strip_letter`: labels also match without their leading
    section letter (C 制造业 → 制造业)."""
    words = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for value, label in choices:
                label = str(label)
                words[_key(label)] = value
                if strip_letter and label[:2] == f"{value} ":
                    words[_key(label[2:])] = value
                    words[_key(label[2:].replace("、", ""))] = value
    words.update({_key(word): value for word, value in (extra or {}).items()})
    words.update({_key(value): value for value, _label in choices})
    return words


class Regions:
    """The divisions, read once per import: code → Region (made when first asked for), and
    full names → code."""

    def __init__(self):
        self.rows, self.by_name, self.made, self.parents = {}, {}, {}, {}
        rows = Region.objects.values_list("code", "full_name", "valid_to", "parent_id")
        for code, full_name, valid_to, parent in rows.order_by("code"):
            self.rows[code] = (full_name, valid_to)
            self.parents[code] = parent
            name = _key(full_name)
            if name and (name not in self.by_name or valid_to is None):
                self.by_name[name] = code  # the current division wins a shared name

    def code(self, text):
        """The code a cell names: a code as it is, a full name (四川省成都市锦江区) as its code."""
        code = compact_code(text)
        return code if code in self.rows else self.by_name.get(code, code)

    def parent(self, code):
        """The division above `code`, for services.lies_within (from memory)."""
        return self.parents.get(code)

    def find(self, code):
        if code not in self.made:
            row = self.rows.get(code)
            self.made[code] = row and Region(code=code, full_name=row[0], valid_to=row[1])
        return self.made[code]


class Context:
    """What the rows of one import share: the actor and their scope, lookups in memory."""

    def __init__(self, job, table, default_field):
        self.job, self.table = job, table
        self.actor = actor_or_system(job.user)
        try:
            require_editor(self.actor)
        except PermissionDenied as e:
            raise JobRefused(str(e)) from None
        self.scope = scope_path(self.actor)
        self.regions = Regions()
        self.today = timezone.localdate()
        self.default_union = ""
        code = job.options.get("union")
        if code:
            errors = Errors()
            union = services._union_in_scope(self.actor, code, errors, default_field)
            if union is None:
                raise JobRefused(" ".join(errors.by_field[default_field]))
            self.default_union = union.code

    def visible(self, path):
        return path.startswith(self.scope)

    def scope_like(self):
        return f"{self.scope}%"


class RegistryImporter:
    """What the union and employer importers share."""

    columns: list
    stage_columns: list
    example = None  # an example row would be imported by whoever forgets to delete it
    default_field = ""  # the field the file-wide union option fills

    def header_of(self, table, field):
        """The column's header as the file has it (our template's when it has none)."""
        if field in table.mapped:
            return table.mapped[field]
        return next((c.header for c in self.columns if c.field == field), field)

    def prepare(self, job, table):
        return Context(job, table, self.default_field)

    def report(self, errors, row, context, problems):
        """Move field errors into the row's problems, under the file's headers."""
        for field, messages in errors.by_field.items():
            if field in row.problems:
                continue  # the cell could not be read: that message says enough
            for message in messages:
                problems.add(self.header_of(context.table, field), message)

    def word(self, v, field, words, errors):
        """A choice cell as its stored value: "" when empty, None when unknown (an error)."""
        text = clean_text(v.get(field, ""))
        if not text:
            return ""
        value = words.get(_key(text))
        if value is None:
            errors.add(field, _("“%(value)s” is not one of the known values.") % {"value": text})
        return value

    def compared(self, table, fields, context):
        """The fields a row is compared on with its registered record: the file's columns
        (and the union given for the whole file)."""
        given = set(table.mapped)
        if context.default_union:
            given.add(self.default_field)
        return [field for field in fields if field in given]

    @staticmethod
    def first_rows(c, stage, column):
        """(seq, sheet and line of the first row) of every later row holding the same value."""
        s = stage.name
        c.execute(
            f"SELECT d.seq, f.sheet, f.line FROM (SELECT seq, {column}, min(seq) OVER "
            f"(PARTITION BY {column}) AS first FROM {s} WHERE {column} IS NOT NULL "
            f"AND {column} <> '') d JOIN {s} f ON f.seq = d.first "
            "WHERE d.seq <> d.first ORDER BY d.seq"
        )
        return c.fetchall()

    @staticmethod
    def line(table, sheet, line):
        return f"{sheet} {line}" if len(table.sheets) > 1 else str(line)

    @staticmethod
    def same(pairs):
        """SQL: each a equals its b, NULL equal to NULL (on both databases)."""
        return " AND ".join(f"({a} = {b} OR ({a} IS NULL AND {b} IS NULL))" for a, b in pairs)

    @staticmethod
    def shown(value):
        return "" if value is None else str(value)

    def differences(self, table, pairs):
        """The headers of the columns whose values differ: pairs of (field, file, registry)."""
        return "、".join(
            self.header_of(table, field)
            for field, mine, theirs in pairs
            if self.shown(mine) != self.shown(theirs)
        )


# Unions ---------------------------------------------------------------------------------

UNION_STAGE = [
    ("code", "text"), ("name", "text"), ("kind", "text"), ("region_id", "text"),
    ("parent_code", "text"), ("uscc", "text"), ("founded_on", "date"), ("chair", "text"),
    ("contact_person", "text"), ("contact_phone", "text"), ("address", "text"),
    ("name_pinyin", "text"), ("name_initials", "text"),
    # Filled by the set checks:
    ("unchanged", "int"), ("parent_id", "int"), ("level", "int"),
]  # fmt: skip
UNION_TEXT = ("code", "name", "uscc", "chair", "contact_person", "contact_phone", "address")
# field → (stage column, the registered union's column: u is it, p its parent)
UNION_COMPARED = {
    "name": ("name", "u.name"), "kind": ("kind", "u.kind"), "region": ("region_id", "u.region_id"),
    "parent": ("parent_code", "coalesce(p.code, '')"), "uscc": ("uscc", "u.uscc"),
    "founded_on": ("founded_on", "u.founded_on"), "chair": ("chair", "u.chair"),
    "contact_person": ("contact_person", "u.contact_person"),
    "contact_phone": ("contact_phone", "u.contact_phone"), "address": ("address", "u.address"),
}  # fmt: skip


class UnionImporter(RegistryImporter):
    subject = "unions"
    title = gettext_lazy("union organisation roster")  # 工会组织基本信息采集表
    union_help = gettext_lazy(
        "The parent union of the rows that leave 上级工会编码 empty (or have no such column)."
    )
    columns = UNION_COLUMNS
    stage_columns = UNION_STAGE
    default_field = "parent"

    def __init__(self):
        self.kinds = choice_words(TradeUnion.Kind.choices, KIND_WORDS)

    def summary(self, counts):
        text = _("%(unions_created)d unions created, %(already_registered)d already registered")
        return text % counts

    def check_row(self, row, context, problems):
        """Check one row by the services' rules; the stage values."""
        v = {k: "" if k in row.problems else value for k, value in row.values.items()}
        errors = Errors()
        data = {field: v.get(field, "") for field in UNION_TEXT}
        data["region"] = context.regions.code(v.get("region", ""))
        data["parent"] = v.get("parent", "") or context.default_union
        data["founded_on"] = v.get("founded_on") or None
        kind = self.word(v, "kind", self.kinds, errors)
        if kind is not None:
            data["kind"] = kind
        values, warnings = services.union_values(
            data,
            errors,
            find_region=context.regions.find,
            parent_required=not context.actor.is_platform_admin,
            today=context.today,
        )
        if "region" not in errors.by_field:
            # The rule of the form and the API: inside the area of the user's union.
            services.check_territory(
                context.actor, values["region"], errors, parent_of=context.regions.parent
            )
        unconfirmed(warnings, errors)
        self.report(errors, row, context, problems)
        code = values["code"] if "code" not in errors.by_field else None
        if problems.messages:
            # Kept for the set checks: the same code further down, children waiting for it.
            return [code, None, None, None, values.get("parent")] + [None] * 11
        region = values["region"]
        return [
            code, values["name"], values["kind"], region.code, values["parent"],
            values["uscc"], values["founded_on"], values["chair"], values["contact_person"],
            values["contact_phone"], values["address"], *text_pinyin(values["name"]), 0, None, None,
        ]  # fmt: skip

    def check_set(self, stage, context, table):
        """The checks that need all rows or the registry, in SQL."""
        s = stage.name

        def header(field):
            return self.header_of(table, field)

        new = "s.ok = 1 AND s.unchanged = 0"
        with connection.cursor() as c:
            c.execute(f"CREATE INDEX {s}_code ON {s} (code)")
            c.execute(f"CREATE INDEX {s}_parent ON {s} (parent_code)")
            # The same code twice in the file: the later rows are errors.
            message = _("The same union code as row %(line)s.")
            stage.add_errors(
                (seq, header("code"), message % {"line": self.line(table, sheet, line)})
                for seq, sheet, line in self.first_rows(c, stage, "code")
            )
            self._registered(c, stage, context, table)
            # Parents in the registry: in the user's scope and active.
            c.execute(
                f"UPDATE {s} SET parent_id = (SELECT u.id FROM unions_tradeunion u "
                f"WHERE u.code = {s}.parent_code AND u.status = 'active' AND u.path LIKE %s) "
                "WHERE ok = 1 AND unchanged = 0 AND parent_code <> ''",
                [context.scope_like()],
            )
            c.execute(
                f"SELECT s.seq, s.parent_code, u.name, u.status, u.path FROM {s} s "
                f"JOIN unions_tradeunion u ON u.code = s.parent_code "
                f"WHERE {new} AND s.parent_code <> '' AND s.parent_id IS NULL"
            )
            errors = []
            for seq, code, name, status, path in c.fetchall():
                if context.visible(path):
                    label = TradeUnion.Status(status).label
                    errors.append((seq, header("parent"), services.closed_union(name, label)))
                else:
                    errors.append((seq, header("parent"), services.not_in_scope(code)))
            stage.add_errors(errors)
            self._names(c, stage, table)
            self._levels(c, stage, context, table)

    def _registered(self, c, stage, context, table):
        """Codes already registered: an identical record is left as it is (in scope), a
        different one is an error that names it (only if the user may see it)."""
        s = stage.name
        fields = self.compared(table, list(UNION_COMPARED), context)
        same = self.same((f"s.{UNION_COMPARED[f][0]}", UNION_COMPARED[f][1]) for f in fields)
        c.execute(
            f"UPDATE {s} SET unchanged = 1 WHERE seq IN (SELECT s.seq FROM {s} s "
            "JOIN unions_tradeunion u ON u.code = s.code "
            "LEFT JOIN unions_tradeunion p ON p.id = u.parent_id "
            f"WHERE s.ok = 1 AND u.path LIKE %s AND {same or '1 = 1'})",
            [context.scope_like()],
        )
        mine = ", ".join(f"s.{UNION_COMPARED[f][0]}" for f in fields)
        theirs = ", ".join(UNION_COMPARED[f][1] for f in fields)
        c.execute(
            f"SELECT s.seq, s.code, u.name, u.path, {mine}, {theirs} FROM {s} s "
            "JOIN unions_tradeunion u ON u.code = s.code "
            "LEFT JOIN unions_tradeunion p ON p.id = u.parent_id "
            "WHERE s.ok = 1 AND s.unchanged = 0"
        )
        errors, n = [], len(fields)
        for seq, code, name, path, *cells in c.fetchall():
            if context.visible(path):
                differ = self.differences(table, zip(fields, cells[:n], cells[n:], strict=True))
                message = _(
                    "Union code %(code)s is already registered for %(name)s, which differs "
                    "in: %(columns)s."
                ) % {"code": code, "name": name, "columns": differ}
            else:
                message = services.code_in_use(code)
            errors.append((seq, self.header_of(table, "code"), message))
        stage.add_errors(errors)

    def _names(self, c, stage, table):
        """Two active unions of one name under one parent: in the file, in the registry."""
        s, header = stage.name, self.header_of(table, "name")
        message = _("The same name under the same parent union as row %(line)s.")
        c.execute(
            f"SELECT d.seq, f.sheet, f.line FROM (SELECT seq, min(seq) OVER (PARTITION BY "
            f"parent_code, name) AS first FROM {s} WHERE ok = 1 AND unchanged = 0) d "
            f"JOIN {s} f ON f.seq = d.first WHERE d.seq <> d.first ORDER BY d.seq"
        )
        stage.add_errors(
            (seq, header, message % {"line": self.line(table, sheet, line)})
            for seq, sheet, line in c.fetchall()
        )
        c.execute(
            f"SELECT s.seq, p.name, s.name FROM {s} s JOIN unions_tradeunion u "
            "ON u.parent_id = s.parent_id AND u.name = s.name AND u.status = 'active' "
            "JOIN unions_tradeunion p ON p.id = s.parent_id WHERE s.ok = 1 AND s.unchanged = 0"
        )
        found = c.fetchall()
        c.execute(
            f"SELECT s.seq, s.name FROM {s} s JOIN unions_tradeunion u ON u.parent_id IS NULL "
            "AND u.name = s.name AND u.status = 'active' "
            "WHERE s.ok = 1 AND s.unchanged = 0 AND s.parent_code = ''"
        )
        found += [(seq, None, name) for seq, name in c.fetchall()]
        stage.add_errors(
            (seq, header, services.name_taken(parent, name)) for seq, parent, name in found
        )

    def _levels(self, c, stage, context, table):
        """The order of the merge: level 0 goes under a registered parent (or at the top),
        level n under a row of level n - 1. What is left waits for a parent that has
        errors, sits in a loop, or names a parent that is nowhere."""
        s, header = stage.name, self.header_of(table, "parent")
        todo = "ok = 1 AND unchanged = 0"
        c.execute(
            f"UPDATE {s} SET level = 0 WHERE {todo} AND (parent_id IS NOT NULL OR parent_code = '')"
        )
        level = 0
        while True:
            c.execute(
                f"UPDATE {s} SET level = %s WHERE {todo} AND level IS NULL AND parent_code IN "
                f"(SELECT code FROM {s} WHERE {todo} AND level = %s)",
                [level + 1, level],
            )
            if not c.rowcount:
                break
            level += 1
        waiting = _("The parent union (row %(line)s) has errors.")
        while True:  # each round reaches one generation further down
            c.execute(
                f"SELECT s.seq, min(p.seq) FROM {s} s JOIN {s} p ON p.code = s.parent_code "
                "WHERE s.ok = 1 AND s.unchanged = 0 AND s.level IS NULL AND p.ok = 0 "
                "GROUP BY s.seq"
            )
            found = c.fetchall()
            if not found:
                break
            lines = dict(self._lines(c, stage, table, [first for _seq, first in found]))
            stage.add_errors(
                (seq, header, waiting % {"line": lines[first]}) for seq, first in found
            )
        c.execute(
            f"SELECT s.seq, min(p.seq) FROM {s} s JOIN {s} p ON p.code = s.parent_code "
            "WHERE s.ok = 1 AND s.unchanged = 0 AND s.level IS NULL GROUP BY s.seq"
        )
        loops = c.fetchall()
        lines = dict(self._lines(c, stage, table, [first for _seq, first in loops]))
        loop = _("The parent unions in this file form a loop (row %(line)s).")
        stage.add_errors((seq, header, loop % {"line": lines[first]}) for seq, first in loops)
        c.execute(f"SELECT seq, parent_code FROM {s} WHERE {todo} AND level IS NULL")
        stage.add_errors((seq, header, services.not_in_scope(code)) for seq, code in c.fetchall())

    def _lines(self, c, stage, table, seqs):
        """seq → the row as a message names it."""
        for i in range(0, len(seqs), 500):
            chunk = seqs[i : i + 500]
            c.execute(
                f"SELECT seq, sheet, line FROM {stage.name} "
                f"WHERE seq IN ({', '.join(['%s'] * len(chunk))})",
                chunk,
            )
            for seq, sheet, line in c.fetchall():
                yield seq, self.line(table, sheet, line)

    def merge(self, stage, context, job):
        """Write the new unions level by level, parents before their children."""
        s = stage.name
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        cols = "code, name, kind, region_id, uscc, founded_on, chair, contact_person, " \
               "contact_phone, address, name_pinyin, name_initials"  # fmt: skip
        created, level = 0, 0
        with connection.cursor() as c:
            while True:
                try:
                    c.execute(
                        f"INSERT INTO unions_tradeunion ({cols}, parent_id, path, status, "
                        "created_at, updated_at, import_job_id) "
                        f"SELECT {cols}, CASE WHEN parent_code = '' THEN NULL ELSE coalesce("
                        f"parent_id, (SELECT u.id FROM unions_tradeunion u WHERE u.code = "
                        f"{s}.parent_code)) END, '/', 'active', %s, %s, %s FROM {s} "
                        "WHERE ok = 1 AND unchanged = 0 AND level = %s ORDER BY seq",
                        [now, now, job.pk, level],
                    )
                except IntegrityError:
                    raise JobRefused(concurrent_change()) from None
                if c.rowcount <= 0:
                    break
                created += c.rowcount
                c.execute(
                    "UPDATE unions_tradeunion SET path = coalesce((SELECT p.path FROM "
                    "unions_tradeunion p WHERE p.id = unions_tradeunion.parent_id), '/') || "
                    "CAST(id AS text) || '/' WHERE import_job_id = %s AND path = '/'",
                    [job.pk],
                )
                level += 1
        return {
            "unions_created": created,
            "already_registered": stage.count("ok = 1 AND unchanged = 1"),
        }


def unconfirmed(warnings, errors):
    """A warning the form would ask to confirm is an error in a file: nobody confirms it."""
    if warnings.get("uscc") and "uscc" not in errors.by_field:
        advice = _("A file cannot confirm it: enter this record through the form.")
        errors.add("uscc", f"{warnings['uscc']} {advice}")


def concurrent_change():
    return _(
        "While the file was being checked, someone registered one of its codes. "
        "Nothing was imported; import the file again."
    )


# Employers ------------------------------------------------------------------------------

EMPLOYER_STAGE = [
    ("name", "text"), ("uscc", "text"), ("region_id", "text"), ("industry", "text"),
    ("employee_count", "int"), ("address", "text"), ("local_code", "text"),
    ("covering_code", "text"),
    # Filled by the set checks:
    ("unchanged", "int"), ("local_id", "int"), ("covering_id", "int"),
]  # fmt: skip
# field → (stage column, the registered employer's column)
EMPLOYER_COMPARED = {
    "name": ("name", "e.name"), "region": ("region_id", "e.region_id"),
    "industry": ("industry", "e.industry"),
    "employee_count": ("employee_count", "e.employee_count"),
    "address": ("address", "e.address"), "local_union": ("local_id", "e.local_union_id"),
    "covering_union": ("covering_id", "e.covering_union_id"),
}  # fmt: skip


class EmployerImporter(RegistryImporter):
    subject = "employers"
    title = gettext_lazy("employer roster")  # 用人单位信息采集表
    union_help = gettext_lazy(
        "The local federation of the rows that leave 属地工会编码 empty (or have no such column)."
    )
    columns = EMPLOYER_COLUMNS
    stage_columns = EMPLOYER_STAGE
    default_field = "local_union"

    def __init__(self):
        self.industries = choice_words(Employer.Industry.choices, strip_letter=True)

    def summary(self, counts):
        return (
            _("%(employers_created)d employers created, %(already_registered)d already registered")
            % counts
        )

    def check_row(self, row, context, problems):
        v = {k: "" if k in row.problems else value for k, value in row.values.items()}
        errors = Errors()
        data = {field: v.get(field, "") for field in ("name", "uscc", "address")}
        data["region"] = context.regions.code(v.get("region", ""))
        data["local_union"] = v.get("local_union", "") or context.default_union
        data["covering_union"] = v.get("covering_union", "")
        industry = self.word(v, "industry", self.industries, errors)
        if industry is not None:
            data["industry"] = industry
        count = compact_code(v.get("employee_count", "")).removesuffix("人").replace(",", "")
        if _COUNT.match(count):
            data["employee_count"] = int(count)
        elif count:
            errors.add("employee_count", _("Write the number of employees as a whole number."))
        else:
            data["employee_count"] = None
        values, warnings = services.employer_values(data, errors, find_region=context.regions.find)
        unconfirmed(warnings, errors)
        self.report(errors, row, context, problems)
        uscc = values.get("uscc") if "uscc" not in errors.by_field else None
        if problems.messages:
            return [None, uscc] + [None] * 9  # the code kept: the same one further down
        return [
            values["name"], uscc, values["region"].code, values["industry"],
            values["employee_count"], values["address"], values["local_union"],
            values["covering_union"], 0, None, None,
        ]  # fmt: skip

    def check_set(self, stage, context, table):
        s = stage.name
        with connection.cursor() as c:
            c.execute(f"CREATE INDEX {s}_uscc ON {s} (uscc)")
            message = _("The same social-credit code as row %(line)s.")
            stage.add_errors(
                (seq, self.header_of(table, "uscc"),
                 message % {"line": self.line(table, sheet, line)})
                for seq, sheet, line in self.first_rows(c, stage, "uscc")
            )  # fmt: skip
            # The unions a row names: in the user's scope and active.
            errors = []
            for field, code, found in (
                ("local_union", "local_code", "local_id"),
                ("covering_union", "covering_code", "covering_id"),
            ):
                c.execute(
                    f"UPDATE {s} SET {found} = (SELECT u.id FROM unions_tradeunion u WHERE "
                    f"u.code = {s}.{code} AND u.status = 'active' AND u.path LIKE %s) "
                    f"WHERE ok = 1 AND {code} <> ''",
                    [context.scope_like()],
                )
                c.execute(
                    f"SELECT s.seq, s.{code}, u.name, u.status, u.path FROM {s} s "
                    f"LEFT JOIN unions_tradeunion u ON u.code = s.{code} "
                    f"WHERE s.ok = 1 AND s.{code} <> '' AND s.{found} IS NULL"
                )
                for seq, union_code, name, status, path in c.fetchall():
                    if path is not None and context.visible(path):
                        message = services.closed_union(name, TradeUnion.Status(status).label)
                    else:
                        message = services.not_in_scope(union_code)
                    errors.append((seq, self.header_of(table, field), message))
            stage.add_errors(errors)
            self._registered(c, stage, context, table)

    def _registered(self, c, stage, context, table):
        """A social-credit code already registered: an identical record is left as it is,
        a different one is an error naming it (if the user may see it). A row without the
        code is left as it is when an identical record without one is registered."""
        s = stage.name
        fields = self.compared(table, list(EMPLOYER_COMPARED), context)
        same = self.same((f"s.{EMPLOYER_COMPARED[f][0]}", EMPLOYER_COMPARED[f][1]) for f in fields)
        visible = (
            "(l.path LIKE %s OR EXISTS (SELECT 1 FROM unions_tradeunion v "
            "WHERE v.id = e.covering_union_id AND v.path LIKE %s))"
        )
        for match in (
            # e.uscc <> '' lets the partial unique index serve the join.
            "e.uscc = s.uscc AND e.uscc <> ''",
            # Without the code: the same name under the same local federation.
            "e.uscc = '' AND s.uscc = '' AND e.local_union_id = s.local_id AND e.name = s.name",
        ):
            c.execute(
                f"UPDATE {s} SET unchanged = 1 WHERE seq IN (SELECT s.seq FROM {s} s "
                f"JOIN unions_employer e ON {match} "
                "JOIN unions_tradeunion l ON l.id = e.local_union_id "
                f"WHERE s.ok = 1 AND {visible} AND {same})",
                [context.scope_like(), context.scope_like()],
            )
        mine = ", ".join(f"s.{EMPLOYER_COMPARED[f][0]}" for f in fields)
        theirs = ", ".join(EMPLOYER_COMPARED[f][1] for f in fields)
        c.execute(
            f"SELECT s.seq, s.uscc, e.name, l.path, c.path, {mine}, {theirs} FROM {s} s "
            "JOIN unions_employer e ON e.uscc = s.uscc AND e.uscc <> '' "
            "JOIN unions_tradeunion l ON l.id = e.local_union_id "
            "LEFT JOIN unions_tradeunion c ON c.id = e.covering_union_id "
            "WHERE s.ok = 1 AND s.unchanged = 0 AND s.uscc <> ''"
        )
        errors, n = [], len(fields)
        for seq, uscc, name, local_path, covering_path, *cells in c.fetchall():
            seen = context.visible(local_path) or context.visible(covering_path or "")
            message = services.uscc_registered(uscc, name if seen else None)
            if seen:
                pairs = list(zip(fields, cells[:n], cells[n:], strict=True))
                message += " " + _("It differs in: %(columns)s.") % {
                    "columns": self.differences(table, pairs)
                }
            errors.append((seq, self.header_of(table, "uscc"), message))
        stage.add_errors(errors)

    def merge(self, stage, context, job):
        s = stage.name
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as c:
            try:
                c.execute(
                    "INSERT INTO unions_employer (name, uscc, region_id, industry, "
                    "employee_count, address, local_union_id, covering_union_id, created_at, "
                    "updated_at, import_job_id) SELECT name, uscc, region_id, industry, "
                    "employee_count, address, local_id, covering_id, %s, %s, %s "
                    f"FROM {s} WHERE ok = 1 AND unchanged = 0 ORDER BY seq",
                    [now, now, job.pk],
                )
            except IntegrityError:
                raise JobRefused(concurrent_change()) from None
            created = c.rowcount
        return {
            "employers_created": created,
            "already_registered": stage.count("ok = 1 AND unchanged = 1"),
        }
