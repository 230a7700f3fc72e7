"""Union and employer files as federations send them, and the CLI run over them, for the
import and export tests."""

import io
import re

from django.core.management import CommandError, call_command
from openpyxl import Workbook
from stdnum.cn import uscc as stdnum_uscc

from gonghui.core.models import AuditEvent
from gonghui.jobs.models import Job
from gonghui.unions.models import Employer, TradeUnion


def make_uscc(n):
    base = f"91510104{n:09d}"
    return base + stdnum_uscc.calc_check_digit(base)


def bad_checksum(code):
    return code[:-1] + ("1" if code[-1] != "1" else "2")


def workbook(path, header, rows, title=None, sheet="工会信息"):
    """An xlsx with an optional title row merged over the table, the header, the rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def csv_bytes(header, rows, encoding="gb18030"):
    lines = [",".join(header), *(",".join(str(c) for c in row) for row in rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def run(*args):
    """`gonghui <args>`: (what it printed, the error or None)."""
    out = io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=io.StringIO())
        return out.getvalue(), None
    except CommandError as e:
        return out.getvalue(), str(e)


ROW_LINE = re.compile(r"第(\d+)行 (.+?)：(.*)$")


def row_errors(out):
    """{row number: [(header, message), ...]} from what the import command printed."""
    found = {}
    for text in out.splitlines():
        match = ROW_LINE.search(text)
        if match:
            found.setdefault(int(match[1]), []).append((match[2], match[3]))
    return found


def counts():
    return (
        TradeUnion.objects.count(),
        Employer.objects.count(),
        AuditEvent.objects.count(),
        list(TradeUnion.objects.order_by("pk").values_list()),
        list(Employer.objects.order_by("pk").values_list()),
    )


def last_job():
    return Job.objects.order_by("-pk").first()
