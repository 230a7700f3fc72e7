"""The django-import-export baseline of bench/import.py: its bulk mode on members.Person.

django-import-export cannot encrypt, so the resource is given what a careful user would write
for it: `before_import` runs every row of the dataset through the project's own
`services.person_values` (the same checks as our import: name, ID number with check digit,
birth date and region, mobile, 户籍地 against the division table held in memory) and
`services.build_person` (AES-GCM encryption, HMAC blind index and mask of both numbers, pinyin
and initials), checks 性别 against the ID number, and adds the results as columns; the resource
maps those columns onto Person's fields. A row with a problem fails the import
(raise_errors). Then django-import-export does the rest in its documented bulk mode:

  use_bulk = True, batch_size = 1000 (bulk_create a batch at a time), skip_diff = True (no copy
  and compare of each instance), CachedInstanceLoader with import_id_fields = id_number_index
  (its dedup: one query for the whole dataset instead of one a row), the whole import in one
  transaction (use_transactions), the regions set by code (household_region_id) rather than
  through a ForeignKeyWidget (which would query once a row).

It writes persons only: no memberships, member numbers, set checks in SQL, job or audit event,
which our import also does. Everything here leans its way.

Needs the bench dependency group: uv run --group bench python bench/import.py
"""

import time

from django.db import connection

from gonghui.core.validation import Errors
from gonghui.members import services
from gonghui.members.importers import EDUCATION_WORDS, SEX_WORDS
from gonghui.members.models import Person
from gonghui.regions.models import Region

BATCH_SIZE = 1000
# Person's fields the resource fills, from the columns before_import adds.
FIELDS = [
    "name", "name_pinyin", "name_initials", "id_number_encrypted", "id_number_index",
    "id_number_masked", "sex", "birth_date", "phone_encrypted", "phone_index", "phone_masked",
    "education", "employment_form", "platform",
]  # fmt: skip


def resource_class():
    from import_export import fields, resources
    from import_export.instance_loaders import CachedInstanceLoader

    class PersonResource(resources.ModelResource):
        household_region_id = fields.Field(
            attribute="household_region_id", column_name="household_region_id"
        )

        class Meta:
            model = Person
            fields = (*FIELDS, "household_region_id")
            import_id_fields = ("id_number_index",)
            instance_loader_class = CachedInstanceLoader
            use_bulk = True
            batch_size = BATCH_SIZE
            skip_diff = True
            skip_html_diff = True
            report_skipped = False

        def before_import(self, dataset, **kwargs):
            """Check, encrypt and index every row with the project's services; add the
            results as columns (and one of problems, which before_import_row raises)."""
            regions = set(Region.objects.values_list("code", flat=True))

            def find(code):
                return Region(code=code) if code in regions else None

            headers = dataset.headers
            position = {header: headers.index(header) for header in headers}
            columns = {name: [] for name in (*FIELDS, "household_region_id", "problems")}
            for values in dataset:
                errors = Errors()
                data = {
                    "name": values[position["姓名"]],
                    "id_number": values[position["公民身份号码"]],
                    "phone": values[position["手机号码"]],
                    "household_region": values[position["户籍地"]],
                    "education": EDUCATION_WORDS.get(values[position["学历"]].strip(), ""),
                }
                checked = services.person_values(data, errors, find=find)
                person = None
                if not errors.by_field:
                    person = services.build_person(dict(checked))
                    sex = SEX_WORDS.get(values[position["性别"]].strip())
                    if sex and sex != person.sex:
                        errors.add("sex", "does not match the ID number")
                for name in FIELDS:
                    columns[name].append(getattr(person, name) if person else None)
                columns["household_region_id"].append(
                    person.household_region_id if person else None
                )
                columns["problems"].append(
                    "; ".join(f"{f}: {m}" for f, ms in errors.by_field.items() for m in ms)
                )
            for name, column in columns.items():
                dataset.append_col(column, header=name)

        def before_import_row(self, row, **kwargs):
            from django.core.exceptions import ValidationError

            if row["problems"]:
                raise ValidationError(row["problems"])

    return PersonResource


def run(path, rows):
    """Import the roster CSV at `path` as a user of django-import-export would: read it into
    a dataset, import_data in one transaction. Returns the seconds taken; fails loudly unless
    `rows` persons were created (the table must be empty before)."""
    from import_export.formats.base_formats import CSV

    resource = resource_class()()
    start = time.perf_counter()
    with open(path, encoding="utf-8-sig", newline="") as stream:
        dataset = CSV().create_dataset(stream.read())
    result = resource.import_data(dataset, raise_errors=True, use_transactions=True)
    seconds = time.perf_counter() - start
    if result.has_errors() or result.has_validation_errors():
        raise AssertionError(f"django-import-export reported errors: {result.base_errors[:3]}")
    made = Person.objects.count()
    if made != rows or result.totals["new"] != rows:
        raise AssertionError(
            f"django-import-export: {made} persons in the table, totals {dict(result.totals)}, "
            f"{rows} rows in the file"
        )
    return seconds


def clear():
    """Delete the persons it made, so the next measure starts from an empty registry."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Person._meta.db_table}")
        cursor.execute(f"VACUUM ANALYZE {Person._meta.db_table}")
