"""Writing a report's rows to an openpyxl worksheet: a figures page as a spreadsheet."""

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font


def _text(value):
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


class SheetWriter:
    """Writes rows to a worksheet, text kept as text (a campaign named "=..." is not a
    formula), amounts and shares with their number formats."""

    def __init__(self, sheet):
        self.sheet, self.next = sheet, 1

    def row(self, *values, bold=False, formats=None):
        for i, value in enumerate(values):
            cell = self.sheet.cell(row=self.next, column=i + 1)
            if isinstance(value, str):
                cell.value = _text(value)
                cell.data_type = "s"
            else:
                cell.value = value
            if formats and i in formats:
                cell.number_format = formats[i]
            if bold:
                cell.font = Font(bold=True)
        self.next += 1

    def gap(self):
        self.next += 1
