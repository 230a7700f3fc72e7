"""Reading and writing spreadsheets: the generic part of importing and exporting rosters.

Union staff send what Excel and WPS save in China: GB18030 or UTF-8 CSV, UTF-16 "Unicode
text", workbooks with a title above a two-row merged header, notes under the table, an
instructions sheet beside the data, ID numbers that Excel has turned into 5.10104E+17. This
module finds the header, maps it to the columns an importer asks for, cleans each cell by its
kind and hands over one row at a time, so a million-row file is read in bounded memory.
Problems with the whole file raise TableError, before any row is read wherever they can be seen
up front; a cell that cannot be read goes to Row.problems for the importer's error report.
"""

import codecs
import contextlib
import csv
import datetime
import functools
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from gonghui.lib import xlsx
from gonghui.lib.text import to_halfwidth

MAX_ROWS = 1_048_576  # Excel's limit: a sheet that reaches it was probably cut off
# Limits that keep a crafted file from taking the worker's memory (a zip bomb, a sheet that
# claims every cell of Excel's grid, a shared string of a gigabyte): Excel's own limits for a
# column and a cell, and for a workbook's unzipped size and compression ratio ours.
MAX_COLUMNS = 16_384  # XFD
MAX_CELL_CHARS = 32_767
MAX_UNZIPPED_MB = 2048
MAX_ZIP_RATIO = 200  # XML rosters compress 5-20 times; a bomb, thousands of times
HEADER_SEARCH_ROWS = 15  # non-empty rows searched for the header
HEADER_SEARCH_DEPTH = 1000  # physical rows, so a sheet of empty formatted rows is not read through
SNIFF_BYTES = 64 * 1024
TEMPLATE_ROWS = 2000  # rows of a template formatted as text ahead of the typing

# Excel's 1900 date system counts from 1899-12-30 (it keeps Lotus's phantom 1900-02-29).
EXCEL_EPOCH = datetime.date(1899, 12, 30)
# A number in a date column smaller than this (1910-01-01) is a year (2019) or a year and a
# month (2019.1, typed as 2019.10), never a date; a digit string must be 20000 or more.
FIRST_NUMBER_SERIAL = 3653
FIRST_TEXT_SERIAL = 20000
LAST_SERIAL = 80000  # 2119-01-10
FIRST_YEAR, LAST_YEAR = 1900, 2100

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and every encrypted xlsx
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
BINARY_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF8",
    b"II*\x00",  # TIFF
    b"MM\x00*",
    b"RIFF",  # WEBP, WAV, AVI
    b"Rar!",
    b"7z\xbc\xaf",
    b"\x1f\x8b",  # gzip
    b"{\\rtf",
)
# Systems that "export to Excel" often write a web page or SpreadsheetML under an .xls name.
_MARKUP = re.compile(r"<(\?xml|!doctype|html|table|head|body|meta|style)\b", re.IGNORECASE)

_KINDS = ("text", "code", "date")
_SPACE = re.compile(r"\s")
_INVISIBLE = re.compile(r"[\x00-\x08\x0e-\x1b\x7f\u200b-\u200f\u2060\ufeff]")
_EXCEL_TEXT = re.compile(r'^="(.*)"$', re.DOTALL)  # ="5101..." keeps a number as text in CSV
_HEADER_SUFFIX = re.compile(r"(\((必填|选填|非必填|可选)\)|:)+$")
_HEADER_REMARK = re.compile(r"[(\[【][^()\[\]【】]*[)\]】]$")
_NOTE = re.compile(
    r"(注|说明|备注|填表|制表|审核|填报|合计|总计|负责人|联系人"
    r"|\d{1,2}\s*[.、)](?!\d)|\(\d{1,2}\))"
)
_NOTE_START = tuple("注说备填制审合总负联(（0123456789０１２３４５６７８９")
_DATE_PARTS = re.compile(
    r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*[日号]?"
    r"(?:(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_DIGITS_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL_TEXT = re.compile(r"^\d{5}(?:\.\d+)?$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


class TableError(Exception):
    """A problem with the whole file (not one row): not a spreadsheet, encrypted, empty,
    headers only, missing required columns, cut off at Excel's row limit...

    `message` is translated text, shown to the user as it is.
    """

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Column:
    """A column an importer asks for; `kind` decides how its cells are cleaned:
    "text", "code" (ID, phone, social-credit and union codes) or "date"."""

    field: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    kind: str = "text"

    def __post_init__(self):
        if self.kind not in _KINDS:
            raise ValueError(f"Column {self.field}: kind must be one of {_KINDS}")


@dataclass(slots=True)
class Row:
    """One data row. `values` holds a cleaned value for every field mapped in its sheet (an empty
    cell is ""); a cell that cannot be read keeps its cleaned text there and a message in
    `problems`. `raw` maps every header text of the sheet to the cell as it was, for the error
    report."""

    sheet: str
    number: int
    values: dict[str, object]
    raw: dict[str, object]
    problems: dict[str, str] = field(default_factory=dict)


# Reading: public helpers ---------------------------------------------------------------------


def normalise_header(text) -> str:
    """A header reduced for matching: half-width, no spaces or line breaks, no required marks
    (* or ＊), no trailing (必填)/(选填) or colon, case-folded."""
    reduced = _SPACE.sub("", to_halfwidth(str(text if text is not None else "")))
    reduced = reduced.replace("*", "")
    return _HEADER_SUFFIX.sub("", reduced).casefold()


def parse_date(value) -> datetime.date:
    """A date from what people type or Excel stores; ValueError (translated) otherwise.

    Accepts date and datetime; 2023-10-08, 2023/10/8, 2023.10.08, 2023年10月8日 (a time after it
    is dropped); 20231008; Excel serial days as numbers (3653 to 80000, 1900 date system) and as
    digit strings (20000 to 80000, which cannot be yyyymmdd). A year alone, or a year and a
    month, is not a date.
    """
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool) or value is None:
        raise ValueError(_not_a_date(value))
    if isinstance(value, int | float | Decimal):
        if not math.isfinite(value):
            raise ValueError(_not_a_date(value))
        if value == int(value) and 10_000_000 <= value <= 99_999_999:
            return _parse_digits(str(int(value)), _number_text(value))
        if FIRST_NUMBER_SERIAL <= value <= LAST_SERIAL:
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise ValueError(_not_a_date(_number_text(value)))
    return _date_from_text(_clean_text(str(value)))


@functools.lru_cache(maxsize=4096)  # a roster repeats its dates; errors are not cached
def _date_from_text(text):
    match = _DATE_PARTS.match(text)
    if match:
        return _make_date(*(int(part) for part in match.groups()), shown=text)
    if _DIGITS_DATE.match(text):
        return _parse_digits(text, text)
    if _SERIAL_TEXT.match(text) and FIRST_TEXT_SERIAL <= float(text) <= LAST_SERIAL:
        return EXCEL_EPOCH + datetime.timedelta(days=int(float(text)))
    raise ValueError(_not_a_date(text))


def _parse_digits(digits, shown):
    match = _DIGITS_DATE.match(digits)
    if not match:
        raise ValueError(_not_a_date(shown))
    return _make_date(*(int(part) for part in match.groups()), shown=shown)


def _make_date(year, month, day, shown):
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(_not_a_date(shown))
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueError(_("%(value)s is not a date that exists.") % {"value": shown}) from None


def _not_a_date(shown):
    return _("%(value)s is not a date; write it like 2023-10-08.") % {"value": shown}


# Reading: the table ---------------------------------------------------------------------------


class Table:
    """An opened spreadsheet: where its header is, what it maps to, and its data rows.

    rows() opens the file again on each call and streams it; `notes` counts the notes under
    the table that the last full pass of rows() skipped.
    """

    def __init__(
        self, path, name, columns, layouts, skipped, estimated_rows, csv_format=None, strings=None
    ):
        self.path = path
        self.name = name
        self.columns = columns
        self.sheets = [layout.sheet for layout in layouts]
        self.skipped_sheets = skipped
        self.estimated_rows = estimated_rows
        self.notes = 0
        # For CSV: (encoding, delimiter); None for xlsx.
        self.encoding, self.delimiter = csv_format or (None, None)
        self.headers, self.unknown, self.mapped = [], [], {}
        for layout in layouts:
            for _position, text in layout.headed:
                if text not in self.headers:
                    self.headers.append(text)
            self.unknown += [text for text in layout.unknown if text not in self.unknown]
            for name_, text in layout.fields.items():
                self.mapped.setdefault(name_, text)
        self._layouts = layouts
        self._strings = strings  # the workbook's shared strings, read once for every pass

    @property
    def format(self):
        return "csv" if self.encoding else "xlsx"

    def rows(self) -> Iterator[Row]:
        """Data rows only, in file order: blank rows, repeated header rows and notes skipped."""
        self.notes = 0
        with self._sources() as sources:
            for layout, source in sources:
                with contextlib.closing(source):
                    yield from self._data_rows(layout, source, tally=self)

    @contextlib.contextmanager
    def _sources(self, workbook=None):
        """(layout, raw rows) for each data sheet, the file opened for as long as it is read."""
        if self.encoding:
            with _open_text(self.path, self.encoding) as stream:
                yield [(self._layouts[0], _csv_rows(stream, self.delimiter, self))]
        elif workbook is not None:
            yield [(lay, _xlsx_rows(workbook[lay.sheet], self.name)) for lay in self._layouts]
        else:
            with _workbook(self.path, self.name, self._strings) as (opened, _strings):
                yield [(lay, _xlsx_rows(opened[lay.sheet], self.name)) for lay in self._layouts]

    def _has_data(self, workbook=None):
        """Whether any data row follows the header: read until the first one, not further."""
        with self._sources(workbook) as sources:
            for layout, source in sources:
                with contextlib.closing(source):
                    for _row in self._data_rows(layout, source, SimpleNamespace(notes=0)):
                        return True
        return False

    def _data_rows(self, layout, source, tally):
        columns = {column.field: column for column in self.columns}
        required = [name for name in layout.fields if columns[name].required]
        cleaners = [(position, name, _CLEANERS[kind]) for position, name, kind in layout.mapped]
        headed, header_row = layout.headed, layout.header_row
        enough = (len(cleaners) + 1) // 2  # "a full row" when no column is required
        probe = layout.mapped[0][0] if layout.mapped else None
        in_notes = False
        for number, values, marks in source:
            if number <= header_row:
                continue
            if not any(values) and all(v is None or v == "" for v in values):
                continue  # blank (a row of 0 is not)
            width = len(values)
            first = values[0] or next(filter(None, values), None)
            if (first.__class__ is str and first.lstrip().startswith(_NOTE_START)) or (
                probe is not None
                and probe < width
                and values[probe].__class__ is str
                and values[probe].strip() in layout.repeat_texts
            ):
                present = [v for v in values if v is not None and v != ""]
                if _is_note(present) or layout.is_header_again(values):
                    tally.notes += 1
                    in_notes = True
                    continue
            cleaned, problems, filled = {}, {}, 0
            for position, name, clean in cleaners:  # the hot loop: keep it plain
                value = values[position] if position < width else None
                if value is None or value == "":
                    cleaned[name] = ""
                    continue
                if marks and position in marks:
                    cleaned[name] = _text_cell(value)
                    problems[name] = self._mark_problem(marks[position], value)
                    continue
                try:
                    text = clean(value)
                except _Problem as problem:
                    text = problem.text
                    problems[name] = problem.message
                cleaned[name] = text
                if text != "":
                    filled += 1
            if not filled and not problems:
                continue  # something only in unmapped columns, such as a pre-filled 序号
            if in_notes:
                if required:
                    full = all(cleaned[name] != "" for name in required)
                else:
                    full = filled >= enough
                if not full:
                    tally.notes += 1
                    continue
                in_notes = False
            raw = {text: values[pos] if pos < width else None for pos, text in headed}
            yield Row(layout.sheet, number, cleaned, raw, problems)

    def _mark_problem(self, mark, value):
        if mark == "formula":
            return _(
                "This cell holds a formula; copy the column and paste it back as values only "
                "(Paste Special, Values)."
            )
        if mark == "error":
            return _("This cell shows the Excel error %(value)s.") % {"value": value}
        return _(
            "Some characters in this cell could not be read as %(encoding)s; save the file as "
            "CSV UTF-8 or as .xlsx and import it again."
        ) % {"encoding": _ENCODING_NAMES.get(self.encoding, self.encoding)}


_ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "gb18030": "GB18030",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
}


def open_table(path, columns: Sequence[Column], name=None) -> Table:
    """Open a spreadsheet, find its header and check it against `columns`.

    `name` is the file name the user uploaded, used in messages. The content decides how the
    file is read, whatever its name: a ZIP holding a workbook is xlsx, text is CSV (or tab
    separated "Unicode text"), anything else is refused with a TableError.
    """
    path = Path(path)
    name = name or path.name
    columns = list(columns)
    encoding = _sniff(path, name)
    if encoding is None:
        return _open_xlsx(path, name, columns)
    return _open_csv(path, name, columns, encoding)


def _sniff(path, name):
    """None for a workbook, else the text encoding; TableError for anything else."""
    with open(path, "rb") as stream:
        head = stream.read(SNIFF_BYTES)
        complete = not stream.read(1)
    if not head:
        raise TableError(_empty(name))
    if head.startswith(OLE_MAGIC):
        raise TableError(
            _(
                "%(name)s is password-protected or an old .xls workbook. Remove the password, "
                "or open it in Excel and save it as .xlsx."
            )
            % {"name": name}
        )
    if head.startswith(ZIP_MAGIC):
        _check_workbook_zip(path, name)
        return None
    if head.startswith(BINARY_MAGIC):
        raise TableError(_not_spreadsheet(name))
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif b"\x00" in head:
        # UTF-16 saved without its BOM: every other byte of ASCII text is NUL.
        encoding = _utf16_without_bom(head)
        if encoding is None:
            raise TableError(_not_spreadsheet(name))
    else:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "gb18030"  # what Excel saves in China; a superset of GBK and GB2312
    sample = head.decode(encoding, errors="replace").lstrip("\ufeff \t\r\n")
    if _MARKUP.match(sample):
        raise TableError(
            _(
                "%(name)s is a web page or an XML file under a spreadsheet name. Open it in "
                "Excel and save it as .xlsx."
            )
            % {"name": name}
        )
    if encoding.startswith("utf-16") and "\x00" in sample:
        raise TableError(_not_spreadsheet(name))
    return encoding


def _utf16_without_bom(head):
    """ "utf-16-le" or "-be" when the NUL bytes fall on odd or on even offsets (the high byte
    of ASCII and of common CJK punctuation); None for a binary file."""
    head = head[: len(head) // 2 * 2]
    odd, even = head[1::2].count(0), head[0::2].count(0)
    half = len(head) // 2
    if odd >= half * 0.3 and even == 0:
        return "utf-16-le"
    if even >= half * 0.3 and odd == 0:
        return "utf-16-be"
    return None


def _check_workbook_zip(path, name):
    """A ZIP is a workbook only if it holds one: a .docx or .pptx renamed is not."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            _check_unzipped_size(archive.infolist(), name)
            opendocument = "mimetype" in names and b"spreadsheet" in archive.read("mimetype")
    except (zipfile.BadZipFile, OSError, KeyError):
        raise TableError(_unreadable_workbook(name)) from None
    if any(member.startswith("xl/") for member in names):
        if "xl/workbook.bin" in names:  # .xlsb
            raise TableError(_unreadable_workbook(name))
        return
    if opendocument:  # .ods from WPS or LibreOffice
        raise TableError(_unreadable_workbook(name))
    raise TableError(_not_spreadsheet(name))


def _check_unzipped_size(members, name):
    """Refuse a zip bomb before a byte of it is unpacked: by the sizes its directory declares
    (zipfile stops reading a member at its declared size, so they cannot lie)."""
    total = sum(member.file_size for member in members)
    if total > MAX_UNZIPPED_MB * 1024 * 1024:
        raise TableError(
            _(
                "%(name)s unpacks to %(size)d MB, more than the limit of %(limit)d MB for a "
                "workbook. Split it into smaller files, or save it as CSV."
            )
            % {"name": name, "size": total // (1024 * 1024), "limit": MAX_UNZIPPED_MB}
        )
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_ZIP_RATIO * max(
            member.compress_size, 1
        ):
            raise TableError(
                _(
                    "%(name)s is compressed %(ratio)d times, more than the limit of %(limit)d "
                    "times for a workbook: it is not an ordinary roster. Open it in Excel or "
                    "WPS and save it again as .xlsx."
                )
                % {
                    "name": name,
                    "ratio": member.file_size // max(member.compress_size, 1),
                    "limit": MAX_ZIP_RATIO,
                }
            )


def _open_xlsx(path, name, columns):
    matcher = _Matcher(columns)
    found, skipped, any_content = [], [], False
    with _workbook(path, name) as (workbook, strings):
        several = len(workbook.worksheets) > 1
        for sheet in workbook.worksheets:
            if sheet.sheet_state != "visible":
                skipped.append((sheet.title, _("hidden sheet")))
                continue
            # From the sheet's dimension (None when it has none); the rows are read whatever
            # it says, since some writers get it wrong.
            dimension_rows = sheet.max_row
            with contextlib.closing(_xlsx_rows(sheet, name)) as source:
                layout, content = _find_header(source, matcher, sheet.title)
            any_content = any_content or content
            if layout is None:
                skipped.append((sheet.title, _("empty sheet") if not content else _no_header()))
                continue
            layout.max_row = dimension_rows
            found.append(layout)
        if not any_content:
            raise TableError(_empty(name))
        layouts = _choose_layouts(found, columns, skipped, several)
        order = [sheet.title for sheet in workbook.worksheets]
        skipped.sort(key=lambda item: order.index(item[0]))
        for layout in layouts:
            if layout.max_row and layout.max_row >= MAX_ROWS:
                raise TableError(_row_limit(name))
        if all(layout.max_row for layout in layouts):
            estimated = sum(max(layout.max_row - layout.header_row, 0) for layout in layouts)
        else:
            estimated = None
        table = Table(path, name, columns, layouts, skipped, estimated, strings=strings)
        if not table._has_data(workbook):
            raise TableError(_header_only(name))
    return table


def _open_csv(path, name, columns, encoding):
    matcher = _Matcher(columns)
    size = path.stat().st_size
    with open(path, "rb") as stream:
        head = stream.read(SNIFF_BYTES)
    sample = head.decode(encoding, errors="replace")
    delimiter = _sniff_delimiter(sample)
    probe = SimpleNamespace(name=name, encoding=encoding)
    with _open_text(path, encoding) as stream:
        with contextlib.closing(_csv_rows(stream, delimiter, probe)) as source:
            layout, content = _find_header(source, matcher, "")
    if not content:
        raise TableError(_empty(name))
    skipped = [] if layout else [("", _no_header())]
    layouts = _choose_layouts([layout] if layout else [], columns, skipped, several=False)
    layout = layouts[0]
    breaks = max(sample.count("\n"), sample.count("\r"))
    if len(head) >= size:
        estimated = breaks + (not sample.endswith(("\n", "\r"))) - layout.header_row
    else:
        estimated = round(size * max(breaks, 1) / len(head)) - layout.header_row
    if size >= MAX_ROWS:  # a file with that many rows has at least that many bytes
        breaks = _count_line_breaks(path, encoding)
        estimated = breaks - layout.header_row
        # Line breaks inside quoted cells inflate the count: then count records exactly.
        if breaks + 1 >= MAX_ROWS and _count_records(path, encoding, delimiter) == MAX_ROWS:
            # Exactly Excel's limit: Excel cut a longer sheet when it saved this file. A CSV
            # with more rows never went through Excel and is read whole.
            raise TableError(_row_limit(name))
    table = Table(path, name, columns, layouts, skipped, max(estimated, 0), (encoding, delimiter))
    if not table._has_data():
        raise TableError(_header_only(name))
    return table


def _choose_layouts(found, columns, skipped, several):
    """The sheets that hold data; TableError when none does or one lacks required columns.

    A sheet holds data when its header names a required column (any column when none is
    required) and at least two columns, unless no sheet names two: an instructions sheet that
    lists one column per row must not pass for data.
    """
    required = [column for column in columns if column.required]

    def candidate(layout):
        names = [column.field for column in required] or [column.field for column in columns]
        return any(name in layout.fields for name in names)

    candidates = [layout for layout in found if candidate(layout)]
    threshold = min(2, max((layout.score for layout in candidates), default=0))
    chosen = [layout for layout in candidates if layout.score >= threshold]
    for layout in found:
        if layout not in chosen:
            skipped.append((layout.sheet, _no_header()))
    if not chosen:
        best = max(found, key=lambda layout: layout.score, default=None)
        if not required:
            raise TableError(
                _("No header row with the expected columns was found: %(columns)s.")
                % {"columns": "、".join(column.header for column in columns)}
            )
        missing = [c.header for c in required if best is None or c.field not in best.fields]
        raise TableError(_missing_columns(missing, best.unknown if best else [], None))
    for layout in chosen:
        for column, first, second in layout.duplicates:
            raise TableError(
                _("Two columns both hold %(column)s: %(first)s and %(second)s. Keep one of them.")
                % {"column": column.header, "first": first, "second": second}
            )
        missing = [c.header for c in required if c.field not in layout.fields]
        if missing:
            sheet = layout.sheet if several else None
            raise TableError(_missing_columns(missing, layout.unknown, sheet))
    return chosen


class _Matcher:
    """Header text -> Column, by normalise_header against each column's header and aliases."""

    def __init__(self, columns):
        self.by_name = {}
        for column in columns:
            for text in (column.header, *column.aliases):
                self.by_name.setdefault(normalise_header(text), column)
        self._cache = {}

    def __call__(self, text):
        if text not in self._cache:  # header texts only: data cells go to match()
            self._cache[text] = self.match(text)
        return self._cache[text]

    def match(self, text):
        name = normalise_header(text)
        column = self.by_name.get(name)
        if column is None:  # 出生日期(格式:2000-01-01), 手机号码【11位】
            column = self.by_name.get(_HEADER_SUFFIX.sub("", _HEADER_REMARK.sub("", name)))
        return column


@dataclass
class _Layout:
    """Where a sheet's header is and what each of its columns maps to."""

    sheet: str
    header_row: int
    headed: list  # (position, header text), every column with a header
    mapped: list  # (position, field, kind)
    fields: dict  # field -> header text
    unknown: list
    duplicates: list  # (column, first header text, second header text)
    matcher: _Matcher
    repeat_texts: frozenset = frozenset()  # what the first mapped column's header may read
    max_row: int | None = None

    @property
    def score(self):
        return len(self.fields)

    def is_header_again(self, values):
        """A row that repeats the header (tables pasted one under another)."""
        width = len(values)
        hits = 0
        for position, name, _kind in self.mapped[:3]:
            value = values[position] if position < width else None
            column = self.matcher.match(value) if isinstance(value, str) else None
            if column is None or column.field != name:
                return False
            hits += 1
        return hits > 0


def _find_header(source, matcher, sheet):
    """(layout or None, whether the sheet has any content) from its first non-empty rows.

    The header is the row naming the most columns. An empty cell in it takes the text of the
    row just above, when that row names columns too (a header merged vertically over two rows);
    and when the row below names more columns with that fallback (sub-headers under a merged
    "联系方式"), the header is the row below.
    """
    rows = []  # (row number, header texts)
    for number, values, _marks in source:
        if number > HEADER_SEARCH_DEPTH:
            break
        texts = [_header_text(value) for value in values]
        if any(texts):
            rows.append((number, texts))
            if len(rows) == HEADER_SEARCH_ROWS:
                break
    if not rows:
        return None, False
    scores = [len(_fields_named(texts, matcher)) for _number, texts in rows]
    best = max(range(len(rows)), key=lambda index: (scores[index], -index))
    if scores[best] == 0:
        return None, True

    def with_row_above(index, texts):
        above = index - 1
        if above >= 0 and rows[above][0] == rows[index][0] - 1 and scores[above]:
            return _overlay(texts, rows[above][1])
        return texts

    texts = with_row_above(best, rows[best][1])
    score = len(_fields_named(texts, matcher))
    index = best
    while index + 1 < len(rows) and rows[index + 1][0] == rows[index][0] + 1:
        below = _overlay(rows[index + 1][1], texts)
        below_score = len(_fields_named(below, matcher))
        if below_score <= score:
            break
        index, texts, score = index + 1, below, below_score
    return _layout(sheet, rows[index][0], texts, matcher), True


def _overlay(texts, above):
    width = max(len(texts), len(above))
    texts = list(texts) + [""] * (width - len(texts))
    return [text or (above[i] if i < len(above) else "") for i, text in enumerate(texts)]


def _fields_named(texts, matcher):
    return {column.field for text in texts if text and (column := matcher(text))}


def _layout(sheet, header_row, texts, matcher):
    headed, mapped, fields, unknown, duplicates, seen = [], [], {}, [], [], {}
    for position, text in enumerate(texts):
        if not text:
            continue  # a column without a header cannot be mapped
        count = seen[text] = seen.get(text, 0) + 1
        shown = text if count == 1 else f"{text} ({count})"
        headed.append((position, shown))
        column = matcher(text)
        if column is None:
            unknown.append(shown)
        elif column.field in fields:
            duplicates.append((column, fields[column.field], shown))
        else:
            fields[column.field] = shown
            mapped.append((position, column.field, column.kind))
    layout = _Layout(sheet, header_row, headed, mapped, fields, unknown, duplicates, matcher)
    if mapped:
        column = matcher(texts[mapped[0][0]])
        layout.repeat_texts = frozenset(
            (texts[mapped[0][0]], column.header, f"*{column.header}", *column.aliases)
        )
    return layout


def _header_text(value):
    if value is None:
        return ""
    if value.__class__ is str:
        return value.strip()
    return _clean(value, "text")[0]


def _is_note(present):
    """A row of notes: its first non-empty cell is text that starts like a note (注：, 填表人：,
    1.) and every other one is a note too or a number (合计 … 125)."""
    present = [v for v in present if v.__class__ is not str or v.strip()]
    first = present[0] if present else None
    if first.__class__ is not str or not _NOTE.match(_clean_text(first)):
        return False
    for value in present[1:]:
        if value.__class__ is str:
            text = _clean_text(value)
            if not (_NOTE.match(text) or _NUMBER.match(text)):
                return False
        elif not isinstance(value, int | float | Decimal):
            return False
    return True


# Reading: sources of raw rows -----------------------------------------------------------------


@contextlib.contextmanager
def _workbook(path, name, strings=None):
    """(workbook, its shared strings) read by lib/xlsx.py; `strings` from an earlier opening
    of the same file saves reading them again. Opened from a file object, so that the file
    is not judged by its name (uploads are stored without one)."""
    with open(path, "rb") as stream:
        try:
            archive = zipfile.ZipFile(stream)
            workbook = xlsx.Workbook(archive, strings, max_chars=MAX_CELL_CHARS)
        except xlsx.CellTooLong:
            raise TableError(_cell_limit(name, None)) from None
        except Exception as error:  # a damaged file fails in many ways: bad XML, bad ZIP
            raise TableError(_unreadable_workbook(name)) from error
        with archive:
            yield workbook, workbook.shared_strings


def _xlsx_rows(sheet, name):
    """(row number, values, marks) for every row that has cells; marks name the formula and
    error cells."""
    try:
        for number, cells in sheet.stream():
            if number >= MAX_ROWS:  # the sheet had no dimension to warn us
                raise TableError(_row_limit(name))
            if cells and cells[-1].column > MAX_COLUMNS:
                raise TableError(_column_limit(name))
            values = [None] * (cells[-1].column if cells else 0)
            marks = None
            for cell in cells:
                position = cell.column - 1
                if position >= len(values):  # cells out of order: rare, but legal
                    values += [None] * (position + 1 - len(values))
                value = cell.value
                kind = cell.data_type
                if value.__class__ is str and len(value) > MAX_CELL_CHARS:  # an inline string
                    raise TableError(_cell_limit(name, number))
                if kind == "f" or kind == "e":
                    marks = marks or {}
                    marks[position] = "formula" if kind == "f" else "error"
                values[position] = value
            yield number, values, marks
    except TableError:
        raise
    except Exception as error:  # a damaged sheet: bad XML, a truncated ZIP member
        raise TableError(_unreadable_workbook(name)) from error


_decode_errors = [0]  # bytes replaced so far, in any file: rows are searched once it grows


def _replace_and_count(error):
    _decode_errors[0] += 1
    return "\ufffd", error.end


codecs.register_error("gonghui-replace", _replace_and_count)


@contextlib.contextmanager
def _open_text(path, encoding):
    """The file as text. Bytes that do not decode become U+FFFD and the cell reports it, so
    one damaged line costs one row, not the file."""
    with open(path, encoding=encoding, errors="gonghui-replace", newline="") as stream:
        yield stream


# A longer field is refused with _cell_limit (the csv module's default is 131,072).
csv.field_size_limit(MAX_CELL_CHARS)


def _csv_rows(stream, delimiter, table):
    number = 0
    reader = csv.reader(stream, delimiter=delimiter)
    errors_before = _decode_errors[0]
    try:
        for values in reader:
            number += 1
            marks = None
            if _decode_errors[0] != errors_before and "\ufffd" in "".join(values):
                marks = {i: "decode" for i, value in enumerate(values) if "\ufffd" in value}
            yield number, values, marks
    except csv.Error as error:  # a quote never closed runs into the field size limit
        if "field limit" in str(error):
            raise TableError(_cell_limit(table.name, number + 1)) from None
        raise TableError(
            _("%(name)s could not be read as CSV near row %(row)d: %(error)s")
            % {"name": table.name, "row": number + 1, "error": error}
        ) from None


def _sniff_delimiter(sample):
    lines = [line for line in sample.splitlines()[:30] if line.strip()]
    return max(
        (",", "\t", ";"),
        key=lambda delimiter: max((line.count(delimiter) for line in lines), default=0),
    )


def _count_line_breaks(path, encoding):
    """Line breaks in the file (CR or LF, whichever is more), reading 1 MiB at a time."""
    newlines = returns = 0
    if encoding.startswith("utf-16"):  # a byte 0x0A can be half of a character
        with _open_text(path, encoding) as stream:
            for chunk in iter(lambda: stream.read(1 << 20), ""):
                newlines += chunk.count("\n")
                returns += chunk.count("\r")
    else:  # neither UTF-8 nor GB18030 uses 0x0A or 0x0D inside a character
        with open(path, "rb") as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                newlines += chunk.count(b"\n")
                returns += chunk.count(b"\r")
    return max(newlines, returns)


def _count_records(path, encoding, delimiter):
    with _open_text(path, encoding) as stream:
        return sum(1 for _record in csv.reader(stream, delimiter=delimiter))


# Reading: cells ----------------------------------------------------------------------------


class _Problem(Exception):
    """A cell that cannot be read: its cleaned text and why."""

    def __init__(self, text, message):
        super().__init__(message)
        self.text = text
        self.message = message


def _text_cell(value):
    """A "text" cell: strings cleaned, numbers and dates as a person reads them in Excel."""
    if value.__class__ is str:  # the common case, kept short: this runs for every cell
        text = value if value.isascii() else to_halfwidth(value)
        if not text.isprintable():
            text = _SPACE.sub(" ", _INVISIBLE.sub("", text))
        text = text.strip()
        return _unwrap_excel_text(text) if text.startswith('="') else text
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        return _number_text(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return _clean_text(str(value))  # a time or a duration


def _code_cell(value):
    """A "code" cell (ID, phone, credit code): a text cell without the apostrophe that some
    exports put in front to keep the digits text."""
    text = _text_cell(value)
    if text[:1] in ("'", "`") and value.__class__ is str:
        text = text[1:].lstrip()
    return text


def _date_cell(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text_cell(value)
    if not text:
        return ""
    try:
        if value.__class__ is str:
            return _date_from_text(text)
        return parse_date(value)
    except ValueError as error:
        raise _Problem(text, str(error)) from None


_CLEANERS = {"text": _text_cell, "code": _code_cell, "date": _date_cell}


def _clean(value, kind):
    """(cleaned value, problem or None) for one cell of a column of this kind."""
    if value is None:
        return "", None
    try:
        return _CLEANERS[kind](value), None
    except _Problem as problem:
        return problem.text, problem.message


def _clean_text(value):
    """Half-width, every kind of space and line break a plain space, invisible characters
    (zero-width spaces pasted from web pages) dropped, ends trimmed; ="…" unwrapped."""
    text = value if value.isascii() else to_halfwidth(value)
    if not text.isprintable():
        text = _SPACE.sub(" ", _INVISIBLE.sub("", text))
    text = text.strip()
    return _unwrap_excel_text(text) if text.startswith('="') else text


def _unwrap_excel_text(text):
    match = _EXCEL_TEXT.match(text)
    return match.group(1).replace('""', '"').strip() if match else text


def _number_text(value):
    """A number as Excel shows it in a General cell: integers without ".0", 15 significant
    digits, and from 1E+15 on the scientific form (Excel has lost digits by then)."""
    if isinstance(value, Decimal):  # not from a file: money written out, exact
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if abs(value) >= 1e15:
        mantissa, exponent = f"{float(value):.5E}".split("E")
        return f"{mantissa.rstrip('0').rstrip('.')}E{exponent}"
    if isinstance(value, int):
        return str(value)
    if value.is_integer():
        return str(int(value))
    return format(value, ".15g")


# Messages -------------------------------------------------------------------------------------


def _empty(name):
    return _("%(name)s is empty.") % {"name": name}


def _not_spreadsheet(name):
    return _("%(name)s is not a spreadsheet (xlsx or csv).") % {"name": name}


def _unreadable_workbook(name):
    return _(
        "%(name)s could not be read as an .xlsx workbook. Open it in Excel or WPS and save it "
        "again as .xlsx."
    ) % {"name": name}


def _row_limit(name):
    return _(
        "%(name)s reaches Excel's limit of 1,048,576 rows, so it was probably cut off when it "
        "was saved. Split it into smaller files, or export it as CSV from the source system."
    ) % {"name": name}


def _column_limit(name):
    return _(
        "%(name)s has cells beyond column XFD, Excel's limit of %(limit)d columns; it is not "
        "an ordinary roster. Open it in Excel or WPS and save it again as .xlsx."
    ) % {"name": name, "limit": MAX_COLUMNS}


def _cell_limit(name, row):
    if row is None:
        return _(
            "%(name)s has a cell longer than the limit of %(limit)d characters for a cell. "
            "Shorten it, or leave the text out of the roster."
        ) % {"name": name, "limit": MAX_CELL_CHARS}
    return _(
        "%(name)s has a cell in row %(row)d longer than the limit of %(limit)d characters for "
        "a cell (or a quotation mark there is never closed). Shorten it, or check the quotes."
    ) % {"name": name, "row": row, "limit": MAX_CELL_CHARS}


def _header_only(name):
    return _("%(name)s has a header row but no data rows under it.") % {"name": name}


def _no_header():
    return _("no header row with the required columns")


def _missing_columns(missing, unknown, sheet):
    columns = "、".join(missing)
    if sheet:
        message = _("Required columns are missing in sheet %(sheet)s: %(columns)s.") % {
            "sheet": sheet,
            "columns": columns,
        }
    else:
        message = _("Required columns are missing: %(columns)s.") % {"columns": columns}
    if unknown:
        message += " " + _("Columns not recognised: %(columns)s.") % {"columns": "、".join(unknown)}
    return message


# Writing ------------------------------------------------------------------------------------


def write_xlsx(path, headers, rows: Iterable, text_columns=(), sheet_title="Sheet1") -> int:
    """Stream rows into an xlsx; return how many were written.

    `rows` are sequences in header order (or mappings by header). Cells of `text_columns`
    (header texts or positions) are written as text formatted "@", so Excel never shows an ID
    number as 5.1E+17. Strings that begin with "=" stay text, never formulas. The header row is
    bold and frozen.
    """
    headers = [str(header) for header in headers]
    as_text = {i for i, header in enumerate(headers) if header in text_columns or i in text_columns}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(sheet_title))
    for i, header in enumerate(headers):
        width = min(max(_display_width(header) + 4, 20 if i in as_text else 10), 60)
        sheet.column_dimensions[get_column_letter(i + 1)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=_xlsx_value(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    written = 0
    for row in rows:
        if isinstance(row, Mapping):
            row = [row.get(header) for header in headers]
        sheet.append([_xlsx_cell(sheet, value, i in as_text) for i, value in enumerate(row)])
        written += 1
    workbook.save(path)
    return written


def write_csv(path, headers, rows: Iterable, guard_formulas=True) -> int:
    """Stream rows into a CSV that Excel on Windows opens correctly: UTF-8 with a BOM, CRLF.

    With `guard_formulas`, text that Excel would run as a formula (=, @, or + and - before
    anything but a number) gets a leading apostrophe: exported data comes partly from the
    public join form.
    """
    headers = [str(header) for header in headers]
    written = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(headers)
        for row in rows:
            if isinstance(row, Mapping):
                row = [row.get(header) for header in headers]
            writer.writerow([_csv_value(value, guard_formulas) for value in row])
            written += 1
    return written


def template_xlsx(path, columns: Sequence[Column], example=None, title=None):
    """A template to download: our headers (required ones marked *), code and text columns
    formatted as text ahead of the typing, an optional example row (a mapping by field, or a
    sequence in column order) and a sheet that explains every column."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(title or "Sheet1")
    row = 1
    if title:
        sheet.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
        if len(columns) > 1:
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
        sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center")
        row = 2
    header_row = row
    for i, column in enumerate(columns, start=1):
        header = f"*{column.header}" if column.required else column.header
        cell = sheet.cell(row=header_row, column=i, value=header)
        cell.font = Font(bold=True, color="C00000" if column.required else None)
        letter = get_column_letter(i)
        number_format = "yyyy-mm-dd" if column.kind == "date" else "@"
        sheet.column_dimensions[letter].width = max(
            _display_width(header) + 4, 22 if column.kind == "code" else 12
        )
        sheet.column_dimensions[letter].number_format = number_format
        for r in range(header_row + 1, header_row + 1 + TEMPLATE_ROWS):
            sheet.cell(row=r, column=i).number_format = number_format
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    if example is not None:
        values = (
            [example.get(column.field) for column in columns]
            if isinstance(example, Mapping)
            else list(example)
        )
        for i, (column, value) in enumerate(zip(columns, values, strict=False), start=1):
            if value is not None and column.kind != "date":
                value = value if isinstance(value, str) else _written_number(value)
            cell = sheet.cell(row=header_row + 1, column=i, value=_xlsx_value(value))
            cell.data_type = "s" if isinstance(cell.value, str) else cell.data_type
            cell.font = Font(italic=True, color="808080")
    _instructions(workbook.create_sheet(_sheet_title(_("Instructions"))), columns, example)
    workbook.save(path)


def _instructions(sheet, columns, example):
    kinds = {
        "text": _("Text"),
        "code": _("Digits and letters as they are; the column is formatted as text"),
        "date": _("Date, such as 2023-10-08"),
    }
    sheet.append([_("Column"), _("Required"), _("Also accepted as the header"), _("Format")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in columns:
        sheet.append(
            [
                column.header,
                _("Yes") if column.required else _("No"),
                "、".join(column.aliases),
                kinds[column.kind],
            ]
        )
    sheet.append([])
    notes = [
        _("Columns marked with * are required."),
        _("Keep the header row. Columns may come in any order; other columns are ignored."),
        _(
            "Type or paste ID, phone and code numbers as text, never as numbers: Excel keeps "
            "only 15 digits of a number and shows an ID number as 5.10104E+17."
        ),
        _("Dates may be written 2023-10-08, 2023/10/8, 2023.10.08, 2023年10月8日 or 20231008."),
    ]
    if example is not None:
        notes.append(_("Delete the example row under the header before importing."))
    for note in notes:
        sheet.append([note])
    for letter, width in zip("ABCD", (20, 10, 36, 50), strict=True):
        sheet.column_dimensions[letter].width = width


def _xlsx_value(value):
    """A value openpyxl can store: aware times in local time, control characters dropped."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if value is None or isinstance(value, int | float | Decimal | datetime.date | datetime.time):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _xlsx_cell(sheet, value, as_text):
    value = _xlsx_value(value)
    if as_text and value is not None:
        if isinstance(value, int | float | Decimal):
            value = _written_number(value)
        elif not isinstance(value, str):
            value = _clean(value, "text")[0]
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "@"
        cell.data_type = "s"
        return cell
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # text, not a formula
        return cell
    return value


def _csv_value(value, guard_formulas):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return _clean(value, "text")[0]
    if isinstance(value, datetime.date):
        return _clean(value, "text")[0]
    if isinstance(value, int | float | Decimal):
        return _written_number(value)
    text = str(value)
    if guard_formulas and text[:1] in ("=", "@", "+", "-") and not _NUMBER.match(text):
        if text not in ("+", "-"):
            return "'" + text
    return text


def _written_number(value):
    """A number written out: an int keeps every digit (an ID from the database is exact)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    return _number_text(value)


def _sheet_title(title):
    return _SHEET_TITLE_BAD.sub("", str(title))[:31] or "Sheet1"


def _display_width(text):
    """Columns a text takes in Excel: CJK characters count twice."""
    return sum(2 if ord(char) > 0x2E7F else 1 for char in str(text))
