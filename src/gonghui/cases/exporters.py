"""Exporting the case register (维权案件台账) as the user filtered it, box included: the
workbench's list as a spreadsheet. Phones are masked (the register reveals no whole
number); a confidential caller is named only to those who may see them."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.cases import services
from gonghui.cases.filters import CaseFilter
from gonghui.cases.models import Case
from gonghui.core import values


def _date(value):
    return value.isoformat() if value else ""


def _money(value):
    return "" if value is None else f"{value:.2f}"


class CaseExporter:
    subject = "cases"
    title = gettext_lazy("case register")
    filterset = CaseFilter

    def queryset(self, user):
        self.user = user
        return Case.objects.visible_to(user).select_related("union", "first_union")

    def columns(self, reveal):
        today = values.today()
        user = self.user

        def caller(case):
            return case.caller_name if services.may_see_caller(user, case) else _("(confidential)")

        def phone(case):
            return case.phone_masked if services.may_see_caller(user, case) else ""

        def overdue(case):
            late = case.concluded_on > case.due_on if case.concluded_on else case.due_on < today
            return _("yes") if late else ""

        return [
            ("案件编号", lambda c: c.number),
            ("受理日期", lambda c: _date(c.received_on)),
            ("来源渠道", lambda c: c.get_channel_display()),
            ("类型", lambda c: c.get_kind_display()),
            ("诉求类别", lambda c: c.get_subject_display()),
            ("难易程度", lambda c: c.get_complexity_display()),
            ("来电人", caller),
            ("联系电话", phone),
            ("用人单位", lambda c: c.employer_name),
            ("统一社会信用代码", lambda c: c.employer_uscc),
            ("涉及职工人数", lambda c: c.workers),
            ("涉及金额（元）", lambda c: _money(c.amount_claimed)),
            ("首问工会", lambda c: c.first_union.name),
            ("承办工会", lambda c: c.union.name),
            ("状态", lambda c: c.get_status_display()),
            ("办理期限", lambda c: _date(c.due_on)),
            ("超期", overdue),
            ("督办", lambda c: _("yes") if c.supervised else ""),
            ("办结日期", lambda c: _date(c.concluded_on)),
            ("办理结果", lambda c: c.get_outcome_display()),
            ("挽回经济损失（元）", lambda c: _money(c.amount_recovered)),
            ("帮助职工人数", lambda c: "" if c.workers_helped is None else c.workers_helped),
            ("回访日期", lambda c: _date(c.called_back_on)),
            ("满意度", lambda c: c.get_satisfaction_display()),
            ("诉求内容", lambda c: c.request),
            ("答复内容", lambda c: c.answer),
        ]

    def text_columns(self, reveal):
        return ["案件编号", "联系电话", "统一社会信用代码"]
