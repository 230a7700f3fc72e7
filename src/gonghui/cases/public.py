"""The public pages of the 12351 line online, made for a phone: a worker sends a question
or a complaint to their county's desk, and follows it by case number and phone. Like the
join page they tell a stranger nothing: one answer for every accepted report, one for
every number and phone that do not match, and a limit per address on both."""

from django.shortcuts import render

from gonghui.cases import services
from gonghui.cases.forms import CaseStatusForm, ReportForm
from gonghui.core.throttling import SharedAnonThrottle


class ReportThrottle(SharedAnonThrottle):
    scope = "case_report"


def report(request):
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not ReportThrottle().allow_request(request, None):
            return render(request, "members/too_many.html", status=429)
        if form.is_valid():
            case = form.run(
                lambda data, _c: services.submit_public(data, consent=data.pop("consent"))
            )
            if case:
                return render(request, "cases/report_done.html", {"case": case})
    return render(
        request,
        "cases/report.html",
        {
            "form": form,
            "fields": [f for f in form.visible_fields() if f.name != "consent"],
            "consent_version": services.CONSENT_VERSION,
        },
    )


def status(request):
    form = CaseStatusForm(request.GET or None)
    case, looked = None, False
    if form.is_valid():
        if not ReportThrottle().allow_request(request, None):
            return render(request, "members/too_many.html", status=429)
        looked = True
        case = services.status_for_caller(form.cleaned_data["number"], form.cleaned_data["phone"])
    return render(
        request, "cases/report_status.html", {"form": form, "case": case, "looked": looked}
    )
