"""The figures of rights-protection work on a page, as an xlsx and by API (definitions:
cases/figures.py). All three read `union` (a code; the user's own by default), `start`
and `end` (this year to date by default), and show what `figures` counted."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe
from drf_spectacular.utils import OpenApiParameter, extend_schema
from openpyxl import Workbook
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from gonghui.cases.figures import figures
from gonghui.core.forms import ask_figures
from gonghui.core.views import xlsx_response
from gonghui.lib.sheet import SheetWriter

AMOUNT = "#,##0.00"
PERCENT = "0.0%"


def percent(value):
    return "—" if value is None else f"{value * 100:.1f}%"


def with_percents(row):
    """The row with its rates as percentages and the money grouped (2,856,542.00)."""
    return {
        **row,
        "recovered_text": f"{row['recovered']:,.2f}",
        **{f"{k}_percent": percent(row[k]) for k in
           ("conclusion_rate", "on_time_rate", "satisfaction_rate")},
    }  # fmt: skip


@login_required
@require_safe
def page(request):
    form, result = ask_figures(request, figures)
    context = {"form": form, "figures": result}
    if result is not None:
        context["totals"] = with_percents(result["totals"])
        context["units"] = [with_percents(r) for r in result["by_unit"]]
        months = result["by_month"]
        context["months"] = months["months"]
        context["month_rows"] = [r for r in months["rows"] if any(r["counts"])]
        context["month_totals"] = list(zip(months["months"], months["total"], strict=True))
        context["month_max"] = max(months["total"], default=0)
        subjects = result["by_subject"]["rows"]
        context["subject_max"] = max((r["n"] for r in subjects), default=0)
    return render(request, "cases/figures.html", context, status=200 if result else 400)


@login_required
@require_safe
def xlsx(request):
    form, result = ask_figures(request, figures)
    if result is None:
        return render(request, "cases/figures.html", {"form": form}, status=400)
    code = result["union"]["code"] if result["union"] else "全平台"
    name = f"维权统计-{code}-{result['start']:%Y%m%d}-{result['end']:%Y%m%d}.xlsx"
    return xlsx_response(workbook_of(result), name)


def workbook_of(result):
    """The figures as one sheet: title, scope and period, then each table with a total."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "维权统计"
    out = SheetWriter(sheet)
    union, t = result["union"], result["totals"]
    out.row("维权服务统计", bold=True)
    out.row("统计范围", f"{union['name']}（{union['code']}）" if union else "全平台")
    out.row("统计期间", f"{result['start']:%Y-%m-%d} 至 {result['end']:%Y-%m-%d}")
    out.gap()
    out.row("一、总体情况", bold=True)
    rates = {1: PERCENT}
    for label, value, formats in (
        ("受理", t["taken"], None), ("应办结", t["due"], None), ("办结", t["concluded"], None),
        ("按时办结", t["on_time"], None), ("办结率", t["conclusion_rate"], rates),
        ("按时办结率", t["on_time_rate"], rates), ("回访", t["called"], None),
        ("满意率", t["satisfaction_rate"], rates),
        ("挽回经济损失（元）", t["recovered"], {1: AMOUNT}),
        ("帮助职工人数", t["helped"], None), ("超期未办结", t["open_overdue"], None),
    ):  # fmt: skip
        out.row(label, value, formats=formats)
    for title, key in (("二、按来源渠道", "by_channel"), ("三、按类型", "by_kind"),
                       ("四、按诉求类别", "by_subject")):  # fmt: skip
        out.gap()
        out.row(title, bold=True)
        out.row("项目", "受理件数", bold=True)
        for r in result[key]["rows"]:
            out.row(r["label"], r["n"])
        out.row("合计", result[key]["total"])
    out.gap()
    out.row("五、按办理结果（期内办结）", bold=True)
    out.row("办理结果", "件数", "挽回经济损失（元）", bold=True)
    for r in result["by_outcome"]["rows"]:
        out.row(r["label"], r["n"], r["recovered"], formats={2: AMOUNT})
    total = result["by_outcome"]["total"]
    out.row("合计", total["n"], total["recovered"], formats={2: AMOUNT})
    out.gap()
    out.row("六、按单位", bold=True)
    out.row("单位", "工会编码", "受理", "应办结", "办结", "办结率", "按时办结率", "满意率",
            "挽回经济损失（元）", bold=True)  # fmt: skip
    formats = {5: PERCENT, 6: PERCENT, 7: PERCENT, 8: AMOUNT}
    for r in result["by_unit"]:
        name = f"{r['name']}（本级）" if r["own"] else r["name"]
        out.row(
            name, r["code"], r["taken"], r["due"], r["concluded"], r["conclusion_rate"],
            r["on_time_rate"], r["satisfaction_rate"], r["recovered"], formats=formats,
        )  # fmt: skip
    months = result["by_month"]
    out.gap()
    out.row("七、各月受理（按诉求类别）", bold=True)
    out.row("诉求类别", *[f"{m:%Y-%m}" for m in months["months"]], bold=True)
    for r in months["rows"]:
        out.row(r["label"], *r["counts"])
    out.row("合计", *months["total"])
    for letter, width in zip("ABCDEFGHI", (26, 14, 10, 10, 10, 10, 12, 10, 18), strict=True):
        sheet.column_dimensions[letter].width = width
    return workbook


# --- API --------------------------------------------------------------------------------


def _rate():
    return serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True)


def _money():
    return serializers.DecimalField(max_digits=16, decimal_places=2)


class Rates(serializers.Serializer):
    taken = serializers.IntegerField()
    due = serializers.IntegerField(help_text="应办结")
    concluded = serializers.IntegerField()
    on_time = serializers.IntegerField()
    recovered = _money()
    helped = serializers.IntegerField()
    called = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    conclusion_rate = _rate()
    on_time_rate = _rate()
    satisfaction_rate = _rate()


class Totals(Rates):
    open_overdue = serializers.IntegerField(help_text="open cases past their deadline")


class UnitRow(Rates):
    code = serializers.CharField()
    name = serializers.CharField()
    own = serializers.BooleanField(help_text="the union's own cases, not a unit below")


class CountRow(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    n = serializers.IntegerField()


class Counted(serializers.Serializer):
    rows = CountRow(many=True)
    total = serializers.IntegerField()


class OutcomeRow(CountRow):
    recovered = _money()


class OutcomeTotal(serializers.Serializer):
    n = serializers.IntegerField()
    recovered = _money()


class Outcomes(serializers.Serializer):
    rows = OutcomeRow(many=True)
    total = OutcomeTotal()


class MonthRow(serializers.Serializer):
    label = serializers.CharField()
    counts = serializers.ListField(child=serializers.IntegerField())


class Months(serializers.Serializer):
    months = serializers.ListField(child=serializers.DateField())
    rows = MonthRow(many=True)
    total = serializers.ListField(child=serializers.IntegerField())


class UnionOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class CaseFiguresOut(serializers.Serializer):
    union = UnionOut(allow_null=True, help_text="null: the whole platform")
    start = serializers.DateField()
    end = serializers.DateField()
    totals = Totals()
    by_channel = Counted()
    by_kind = Counted()
    by_subject = Counted()
    by_outcome = Outcomes()
    by_month = Months()
    by_unit = UnitRow(many=True)


class CaseFiguresView(APIView):
    """The figures of rights-protection work (维权服务统计) for a union's subtree and a
    period: cases taken by channel, kind, subject and month; 办结率, 按时办结率, 满意率; money
    recovered and workers helped; the same for each unit below. A union code outside the
    caller's subtree answers as one that does not exist."""

    @extend_schema(
        parameters=[
            OpenApiParameter("union", str, description="union code; the caller's own by default"),
            OpenApiParameter("start", str, description="first day, 2026-01-01; 1 January"),
            OpenApiParameter("end", str, description="last day, included; today by default"),
        ],
        responses=CaseFiguresOut,
    )
    def get(self, request):
        params = request.query_params
        result = figures(
            request.user,
            params.get("union", "").strip() or None,
            params.get("start", "").strip(),
            params.get("end", "").strip(),
        )
        return Response(CaseFiguresOut(result).data)
