"""Reading .xlsx workbooks a row at a time, in bounded memory, on the standard library.

openpyxl reads a workbook's shared strings (every text cell of the file) into one list, and
its read-only worksheets keep every row they have parsed: for a million-row roster of
unique names and ID numbers that is hundreds of megabytes before the first row. Here the
shared strings go to a memory-mapped temporary file and each row is dropped once read.
The XML is read with ElementTree; openpyxl's public helpers say which number formats are
dates (`is_date_format`) and turn serial numbers into dates (`from_excel`), so a cell
reads as openpyxl would read it. Writing stays with openpyxl (lib/tabular.py).
"""

import contextlib
import functools
import mmap
import posixpath
import re
import struct
import tempfile
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.utils.datetime import (
    CALENDAR_MAC_1904,
    CALENDAR_WINDOWS_1900,
    from_excel,
    from_ISO8601,
)

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")  # how Excel writes control characters in XML


class CellTooLong(Exception):
    """A shared string is longer than the reader's `max_chars`."""


@dataclass
class Cell:
    column: int  # 1-based
    value: object  # str, int, float, bool, datetime, time, timedelta or None
    data_type: str  # "s" text, "n" number, "d" date, "b" boolean, "f" formula, "e" error


class Workbook:
    """A workbook's sheets, in their order, from an open ZIP file; `strings` from an earlier
    opening of the same file saves reading them again."""

    def __init__(self, archive: zipfile.ZipFile, strings=None, max_chars=None):
        self.archive = archive
        part = _office_document(archive)
        root = ElementTree.fromstring(archive.read(part))
        rels = _relationships(archive, part)
        properties = root.find(f"{MAIN}workbookPr")
        date1904 = properties is not None and properties.get("date1904") in ("1", "true")
        self.epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        self.date_styles, self.timedelta_styles = _date_styles(archive, _part(rels, "styles"))
        if strings is None:
            strings = SharedStrings(archive, _part(rels, "sharedStrings"), max_chars)
        self.shared_strings = strings
        self.worksheets = []
        sheets = root.find(f"{MAIN}sheets")
        for sheet in sheets if sheets is not None else ():
            kind, target = rels.get(sheet.get(_R_ID), ("", ""))
            if kind.endswith("/worksheet") and target in archive.NameToInfo:
                state = sheet.get("state", "visible")
                self.worksheets.append(Worksheet(self, sheet.get("name", ""), target, state))

    def __getitem__(self, title):
        for sheet in self.worksheets:
            if sheet.title == title:
                return sheet
        raise KeyError(title)


class Worksheet:
    def __init__(self, workbook, title, part, state):
        self.workbook, self.title, self.part, self.sheet_state = workbook, title, part, state

    @functools.cached_property
    def max_row(self):
        """The last row the sheet's dimension names, read before the cells only (None when
        it has none, as openpyxl's own write-only files)."""
        with self.workbook.archive.open(self.part) as source:
            for _event, element in ElementTree.iterparse(source, events=("start",)):
                if element.tag == f"{MAIN}dimension":
                    last = element.get("ref", "").split(":")[-1]
                    with contextlib.suppress(ValueError, TypeError):
                        return coordinate_from_string(last)[1]
                    return None
                if element.tag == f"{MAIN}sheetData":
                    return None
        return None

    def stream(self):
        """(row number, [Cell, ...]) for each row element of the sheet, in file order."""
        workbook = self.workbook
        number = 0
        with workbook.archive.open(self.part) as source:
            sheet_data = None
            for event, element in ElementTree.iterparse(source, events=("start", "end")):
                if event == "start":
                    if element.tag == f"{MAIN}sheetData":
                        sheet_data = element
                    continue
                if element.tag != f"{MAIN}row":
                    continue
                given = element.get("r")
                number = int(float(given)) if given else number + 1
                cells, column = [], 0
                for cell in element.iter(f"{MAIN}c"):
                    column = _column(cell.get("r"), column)
                    cells.append(_cell(cell, column, workbook))
                if sheet_data is not None:
                    sheet_data.clear()  # keep nothing of the rows read
                yield number, cells


def _column(reference, previous):
    if not reference:
        return previous + 1
    letters = reference.rstrip("0123456789")
    return column_index_from_string(letters) if letters else previous + 1


def _cell(element, column, workbook):
    """A cell's value as openpyxl's reader gives it (openpyxl/worksheet/_reader.py)."""
    kind = element.get("t", "n")
    formula = element.find(f"{MAIN}f")
    if formula is not None:
        return Cell(column, "=" + (formula.text or ""), "f")
    if kind == "inlineStr":
        inline = element.find(f"{MAIN}is")
        return Cell(column, _text_of(inline) if inline is not None else None, "s")
    value = element.findtext(f"{MAIN}v")
    if not value:
        return Cell(column, None, "s" if kind == "str" else kind)
    if kind == "n":
        number = float(value) if ("." in value or "E" in value or "e" in value) else int(value)
        style = int(element.get("s") or 0)
        if style in workbook.date_styles:
            try:
                as_time = style in workbook.timedelta_styles
                return Cell(column, from_excel(number, workbook.epoch, timedelta=as_time), "d")
            except (OverflowError, ValueError):
                return Cell(column, "#VALUE!", "e")
        return Cell(column, number, "n")
    if kind == "s":
        return Cell(column, workbook.shared_strings[int(value)], "s")
    if kind == "b":
        return Cell(column, bool(int(value)), "b")
    if kind == "str":
        return Cell(column, value, "s")
    if kind == "d":
        return Cell(column, from_ISO8601(value), "d")
    return Cell(column, value, kind)  # "e": the error's text, #N/A and the like


def _text_of(node):
    """Plain text or rich-text runs; phonetic guides (rPh) are not part of the value."""
    parts = []
    for child in node:
        if child.tag == f"{MAIN}t":
            parts.append(child.text or "")
        elif child.tag == f"{MAIN}r":
            parts.extend(t.text or "" for t in child.iter(f"{MAIN}t"))
    text = "".join(parts)
    if "_x" in text:
        text = _ESCAPED.sub(lambda match: chr(int(match.group(1), 16)), text)
    return text


def _office_document(archive):
    """The workbook part named by the package's relationships (xl/workbook.xml as a rule)."""
    for kind, target in _relationships(archive, "").values():
        if kind.endswith("/officeDocument"):
            return target
    return "xl/workbook.xml"


def _relationships(archive, part):
    """{id: (type, target part)} of a part ("" for the package)."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels not in archive.NameToInfo:
        return {}
    found = {}
    for rel in ElementTree.fromstring(archive.read(rels)).iter(f"{_RELS}Relationship"):
        target = rel.get("Target", "")
        if target.startswith("/"):
            target = target[1:]
        else:
            target = posixpath.normpath(posixpath.join(folder, target))
        found[rel.get("Id")] = (rel.get("Type", ""), target)
    return found


def _part(rels, kind):
    for rel_type, target in rels.values():
        if rel_type.endswith("/" + kind):
            return target
    return None


def _date_styles(archive, part):
    """The cell styles (indexes into cellXfs) whose number format shows a date or a time, and
    those of them that show a duration."""
    if part is None or part not in archive.NameToInfo:
        return frozenset(), frozenset()
    root = ElementTree.fromstring(archive.read(part))
    custom = {
        int(fmt.get("numFmtId")): fmt.get("formatCode", "")
        for fmt in root.iter(f"{MAIN}numFmt")
        if (fmt.get("numFmtId") or "").isdigit()
    }
    dates, durations = set(), set()
    xfs = root.find(f"{MAIN}cellXfs")
    for index, xf in enumerate(xfs if xfs is not None else ()):
        number = int(xf.get("numFmtId") or 0)
        code = custom.get(number, BUILTIN_FORMATS.get(number, "General"))
        if is_date_format(code):
            dates.add(index)
        if is_timedelta_format(code):
            durations.add(index)
    return frozenset(dates), frozenset(durations)


class SharedStrings:
    """A shared-string table on disk: the UTF-8 texts in one temporary file, their end offsets
    in another, both memory-mapped; looked up by index like a list."""

    def __init__(self, archive, member, max_chars=None):
        self._count = 0
        self._texts = self._ends = None
        if member is None or member not in archive.NameToInfo:
            return
        texts, ends = tempfile.TemporaryFile(), tempfile.TemporaryFile()
        offset, pending, root = 0, bytearray(), None
        with archive.open(member) as source:
            for event, node in ElementTree.iterparse(source, events=("start", "end")):
                if root is None:
                    root = node
                if event != "end" or node.tag != f"{MAIN}si":
                    continue
                text = _text_of(node)
                if max_chars is not None and len(text) > max_chars:
                    raise CellTooLong
                data = text.encode("utf-8", "surrogatepass")
                texts.write(data)
                offset += len(data)
                pending += struct.pack("<Q", offset)
                self._count += 1
                if len(pending) >= 1 << 16:
                    ends.write(pending)
                    pending.clear()
                root.clear()  # keep no parsed element: the table can be millions long
        ends.write(pending)
        texts.flush()
        ends.flush()
        if self._count:
            self._texts = mmap.mmap(texts.fileno(), 0, access=mmap.ACCESS_READ) if offset else b""
            self._ends = mmap.mmap(ends.fileno(), 0, access=mmap.ACCESS_READ)
        texts.close()  # the maps keep the data; the files vanish with them
        ends.close()
        self._cached = functools.lru_cache(maxsize=4096)(self._read)

    def __len__(self):
        return self._count

    def __getitem__(self, index):
        if not 0 <= index < self._count:
            raise IndexError(index)
        return self._cached(index)

    def _read(self, index):
        end = struct.unpack_from("<Q", self._ends, index * 8)[0]
        start = struct.unpack_from("<Q", self._ends, index * 8 - 8)[0] if index else 0
        return self._texts[start:end].decode("utf-8", "surrogatepass")
