"""The hardship file's life (困难职工档案), declared once: 申请 → 审核 → 入户核查 → 公示 → 建档,
then 年度复核 and 回访 while on file, 脱困公示 → 脱困 → six months of 跟踪回访 → 销档; 移除 at
any open step; a new file when hardship returns. The file page's steps and their POST
routes (views.py) and the API's actions (api.py) are made from this table; each step's
service in services/files.py checks scope, role and state, and records the event."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from gonghui.assistance import forms
from gonghui.assistance.inputs import NOTICE, HardshipFileInput, dates, step_input
from gonghui.assistance.models import HardshipFile
from gonghui.assistance.services import files
from gonghui.core.workflow import Transition, Workflow

Status = HardshipFile.Status


def may_reopen(file):
    """Not after a death, and once only: a file reopened already has its successor."""
    return file.removal_reason != HardshipFile.Removal.DEATH and not hasattr(file, "reopened_by")


HARDSHIP_FILE = Workflow(
    "hardship file",
    [
        Transition(
            "review",
            files.review,
            (Status.APPLIED,),
            _("Review the application"),
            _("Save the review"),
            _("The review is recorded."),
            forms.ReviewForm,
            step_input(
                "FileReviewInput",
                accepted=serializers.BooleanField(),
                **dates(reviewed_on="default today"),
            ),
            "审核: accept the application for a home visit, or turn it down (a note says why).",
            dated="reviewed_on",
        ),
        Transition(
            "visit",
            files.record_visit,
            tuple(files.VISIT_BY_STATUS),
            _("Record a visit"),
            _("Record the visit"),
            _("The visit is recorded."),
            forms.VisitForm,
            inline_serializer(
                "FileVisitInput",
                {
                    "visited_on": serializers.DateField(),
                    "visitors": serializers.CharField(),
                    "findings": serializers.CharField(),
                },
            ),
            "入户核查, 走访 or 回访, as the file's status calls for.",
            titles={
                Status.REVIEWED: _("Record the home visit (verification before filing)"),
                Status.VISITED: _("Record another verification visit"),
                Status.FOLLOW_UP: _("Record a follow-up visit"),
            },
            dated="visited_on",
        ),
        Transition(
            "notice",
            files.start_notice,
            (Status.VISITED,),
            _("Post the public notice"),
            _("Start the notice"),
            _("The public notice has started."),
            forms.NoticeForm,
            step_input("FileNoticeInput", **dates(notice_from="default today"), **NOTICE),
            "公示: at least 5 working days, counted with the holiday calendar.",
            dated="notice_from",
        ),
        Transition(
            "file",
            files.file_household,
            (Status.NOTICE,),
            _("File the household"),
            _("File the household"),
            _("The household is on file."),
            forms.FileHouseholdForm,
            step_input("FilingInput", **dates(filed_on="default today")),
            "建档: once the public notice has run its course.",
            dated="filed_on",
        ),
        Transition(
            "annual-review",
            files.annual_review,
            (Status.FILED,),
            _("Annual review"),
            _("Save the review"),
            _("The annual review is recorded."),
            forms.AnnualReviewForm,
            step_input(
                "FileAnnualReviewInput",
                category=serializers.ChoiceField(HardshipFile.Category.choices, required=False),
                **dates(reviewed_on="default today"),
            ),
            "年度复核: the household still qualifies; may change its category.",
            dated="reviewed_on",
        ),
        Transition(
            "exit",
            files.start_exit,
            (Status.FILED,),
            _("Out of hardship: post the exit notice"),
            _("Start the exit notice"),
            _("The exit notice has started."),
            forms.ExitNoticeForm,
            step_input("FileExitInput", **dates(exit_notice_from="default today"), **NOTICE),
            "脱困公示: the household came out of hardship (the note says how).",
            dated="exit_notice_from",
        ),
        Transition(
            "confirm-exit",
            files.confirm_exit,
            (Status.EXIT_NOTICE,),
            _("Confirm the exit"),
            _("Confirm the exit"),
            _("The exit is confirmed; follow-up runs for six months."),
            forms.ConfirmExitForm,
            step_input("FileConfirmExitInput", **dates(exited_on="default today")),
            "脱困: after the exit notice; six months of follow-up begin.",
            dated="exited_on",
        ),
        Transition(
            "close",
            files.close,
            (Status.FOLLOW_UP,),
            _("Close the file"),
            _("Close the file"),
            _("The file is closed."),
            forms.CloseForm,
            step_input("FileCloseInput", **dates(closed_on="default today")),
            "销档: after the follow-up, with at least one follow-up visit.",
            dated="closed_on",
        ),
        Transition(
            "remove",
            files.remove,
            HardshipFile.OPEN,
            _("Remove the file (death, re-assessment)"),
            _("Remove the file"),
            _("The file is removed."),
            forms.RemoveForm,
            step_input(
                "FileRemoveInput",
                removal_reason=serializers.ChoiceField(HardshipFile.Removal.choices),
                **dates(closed_on="default today"),
            ),
            "移除: death or re-assessment (the note says why).",
            dated="closed_on",
        ),
        Transition(
            "reopen",
            files.reopen,
            (Status.CLOSED, Status.REMOVED, Status.REJECTED),
            _("Hardship has returned: open a new file"),
            _("Open a new file"),
            _("A new file is opened for the household."),
            forms.ReopenForm,
            HardshipFileInput(partial=True),
            "Hardship returned: a new file for the household, taking over what is not given.",
            creates=True,
            allowed=may_reopen,
            dated="applied_on",
        ),
    ],
    main={
        Status.APPLIED: "review",
        Status.REVIEWED: "visit",
        Status.VISITED: "notice",
        Status.NOTICE: "file",
        Status.EXIT_NOTICE: "confirm-exit",
        Status.FOLLOW_UP: "close",
    },
)
