"""The figures of hardship work on a page, as an xlsx and by API (definitions: figures.py).

All three read the same three parameters, `union` (a union code; the user's own union by
default), `start` and `end` (this year to date by default), and show what
`figures.figures` counted, so the page, the download and the API never disagree.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe
from drf_spectacular.utils import OpenApiParameter, extend_schema
from openpyxl import Workbook
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from gonghui.assistance.figures import figures
from gonghui.core.forms import ask_figures
from gonghui.core.views import xlsx_response
from gonghui.lib.sheet import SheetWriter

AMOUNT_FORMAT = "#,##0.00"
SHARE_FORMAT = "0.0%"
DATE_FORMAT = "yyyy-mm-dd"


def percent(share):
    """A share used as the page shows it: 0.2500 → 25.0%."""
    return "" if share is None else f"{share * 100:.1f}%"


@login_required
@require_safe
def page(request):
    form, result = ask_figures(request, figures)
    context = {"form": form, "figures": result}
    if result is not None:
        budgets = result["budgets"]
        context["budgets"] = [{**r, "percent": percent(r["share"])} for r in budgets["rows"]]
        context["budget_percent"] = percent(budgets["total"]["share"])
    return render(
        request, "assistance/figures.html", context, status=200 if result is not None else 400
    )


@login_required
@require_safe
def xlsx(request):
    """The page's figures as one worksheet, headed in Chinese."""
    form, result = ask_figures(request, figures)
    if result is None:
        return render(request, "assistance/figures.html", {"form": form}, status=400)
    code = result["union"]["code"] if result["union"] else "全平台"
    name = f"帮扶统计-{code}-{result['start']:%Y%m%d}-{result['end']:%Y%m%d}.xlsx"
    return xlsx_response(workbook_of(result), name)


# --- the worksheet ----------------------------------------------------------------------


def workbook_of(result):
    """The figures as a workbook of one sheet: a title, the scope and period, then the
    four sections one under another, each with its header and a total line."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "帮扶统计"
    out = SheetWriter(sheet)
    union = result["union"]
    out.row("困难职工帮扶统计", bold=True)
    out.row("统计范围", f"{union['name']}（{union['code']}）" if union else "全平台")
    out.row("统计期间", f"{result['start']:%Y-%m-%d} 至 {result['end']:%Y-%m-%d}")
    out.gap()

    out.row("一、困难职工家庭（户）", bold=True)
    out.row("困难类别", "期末在档", "期内建档", "期内脱困", "期内移除", bold=True)
    households = result["households"]
    for r in [*households["rows"], {**households["total"], "label": "合计"}]:
        out.row(r["label"], r["on_file"], r["filed"], r["exited"], r["removed"])
    out.gap()

    money = {2: AMOUNT_FORMAT}
    out.row("二、帮扶人次和金额（按帮扶类型）", bold=True)
    out.row("帮扶类型", "帮扶人次", "帮扶金额（元）", bold=True)
    by_kind = result["by_kind"]
    for r in [*by_kind["rows"], {**by_kind["total"], "label": "合计"}]:
        out.row(r["label"], r["person_times"], r["amount"], formats=money)
    out.gap()

    money = {4: AMOUNT_FORMAT}
    out.row("三、帮扶人次和金额（按活动）", bold=True)
    out.row("活动", "活动类型", "年度", "帮扶人次", "帮扶金额（元）", bold=True)
    by_campaign = result["by_campaign"]
    for r in by_campaign["rows"]:
        name = r["name"] if r["campaign"] is not None else "不属任何活动"
        out.row(name, r["season_label"], r["year"], r["person_times"], r["amount"], formats=money)
    total = by_campaign["total"]
    out.row("合计", "", None, total["person_times"], total["amount"], formats=money)
    out.gap()

    formats = {5: DATE_FORMAT, 6: DATE_FORMAT, 7: AMOUNT_FORMAT, 9: AMOUNT_FORMAT, 10: SHARE_FORMAT}
    out.row("四、活动预算执行", bold=True)
    out.row(
        "活动", "举办工会", "工会编码", "下拨自", "年度", "开始日期", "结束日期", "预算（元）",
        "支出人次", "已支出（元）", "使用比例", bold=True,
    )  # fmt: skip
    budgets = result["budgets"]
    for r in budgets["rows"]:
        out.row(
            r["name"], r["union_name"], r["union_code"], r["allocated_from"], r["year"],
            r["starts_on"], r["ends_on"], r["budget"], r["person_times"],
            r["spent"], r["share"], formats=formats,
        )  # fmt: skip
    total = budgets["total"]
    out.row(
        "合计", "", "", "", None, "", "", total["budget"], total["person_times"], total["spent"],
        total["share"], formats=formats,
    )  # fmt: skip

    for letter, width in zip(
        "ABCDEFGHIJK", (30, 22, 14, 22, 10, 12, 12, 16, 10, 16, 10), strict=True
    ):
        sheet.column_dimensions[letter].width = width
    return workbook


# --- API --------------------------------------------------------------------------------


def _money(**kwargs):
    return serializers.DecimalField(max_digits=16, decimal_places=2, **kwargs)


def _share():
    return serializers.DecimalField(
        max_digits=9, decimal_places=4, allow_null=True, help_text="spent / budget"
    )


class UnionOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class HouseholdCounts(serializers.Serializer):
    on_file = serializers.IntegerField(help_text="on file at the period's end")
    filed = serializers.IntegerField(help_text="filed in the period")
    exited = serializers.IntegerField(help_text="exited (脱困) in the period")
    removed = serializers.IntegerField(help_text="removed while on file in the period")


class HouseholdRow(HouseholdCounts):
    category = serializers.CharField()
    label = serializers.CharField()


class HouseholdsOut(serializers.Serializer):
    rows = HouseholdRow(many=True)
    total = HouseholdCounts()


class Helped(serializers.Serializer):
    person_times = serializers.IntegerField()
    amount = _money()


class KindRow(Helped):
    kind = serializers.CharField()
    label = serializers.CharField()


class ByKindOut(serializers.Serializer):
    rows = KindRow(many=True)
    total = Helped()


class CampaignRow(Helped):
    campaign = serializers.IntegerField(
        allow_null=True, help_text="the root campaign; null: records outside any campaign"
    )
    name = serializers.CharField()
    season = serializers.CharField()
    season_label = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)


class ByCampaignOut(serializers.Serializer):
    rows = CampaignRow(many=True)
    total = Helped()


class BudgetTotal(serializers.Serializer):
    budget = _money()
    person_times = serializers.IntegerField()
    spent = _money()
    share = _share()


class BudgetRow(BudgetTotal):
    campaign = serializers.IntegerField()
    name = serializers.CharField()
    season = serializers.CharField()
    season_label = serializers.CharField()
    year = serializers.IntegerField()
    union_code = serializers.CharField()
    union_name = serializers.CharField()
    allocated_from = serializers.CharField(help_text="the campaign above, outside the subtree")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class BudgetsOut(serializers.Serializer):
    rows = BudgetRow(many=True)
    total = BudgetTotal()


class FiguresOut(serializers.Serializer):
    union = UnionOut(allow_null=True, help_text="null: the whole platform")
    start = serializers.DateField()
    end = serializers.DateField()
    households = HouseholdsOut()
    by_kind = ByKindOut()
    by_campaign = ByCampaignOut()
    budgets = BudgetsOut()


class FiguresView(APIView):
    """The figures of hardship work (帮扶工作统计) for a union's subtree and a period:
    households on file at the end, filed, exited and removed, by category; person-times
    and amounts by kind and by campaign; budget used by campaign. Amounts in yuan as
    strings. A union code outside the caller's subtree answers as one that does not exist."""

    @extend_schema(
        parameters=[
            OpenApiParameter("union", str, description="union code; the caller's own by default"),
            OpenApiParameter("start", str, description="first day, 2026-01-01; 1 January"),
            OpenApiParameter("end", str, description="last day, included; today by default"),
        ],
        responses=FiguresOut,
    )
    def get(self, request):
        params = request.query_params
        result = figures(
            request.user,
            params.get("union", "").strip() or None,
            params.get("start", "").strip(),
            params.get("end", "").strip(),
        )
        return Response(FiguresOut(result).data)
