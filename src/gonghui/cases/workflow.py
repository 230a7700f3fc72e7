"""A case's life (维权案件), declared once: 受理 → 即时解答, or handled by the union that took
it, or 转办 (accepted or returned by the receiver) → actions while handling (mediation,
legal aid, 一函两书 and the employer's reply, joint handling) → 办结 → 回访 (satisfied:
closed; unsatisfied: reopened under 督办) → 质检. On the way: an extension asked and decided
above, 催办 and 督办 from above, the court's extension. The case page's steps and their POST
routes (views.py) and the API's actions (api.py) are made from this table; each step's
service in services.py checks scope, role, state and who may take it, and records it."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from gonghui.cases import forms, services
from gonghui.cases.models import Case, CaseAction
from gonghui.core import values
from gonghui.core.workflow import Transition, Workflow

Status = Case.Status
OPEN = services.OPEN


def step_input(name, **fields):
    return inline_serializer(name, {**fields, "note": serializers.CharField(required=False)})


def date(help_text="default today"):
    return serializers.DateField(required=False, help_text=help_text)


def above(actor, case):
    return services.is_above(actor, case.union)


def before_deadline(case):
    return values.today() <= case.due_on


CASE = Workflow(
    "case",
    [
        Transition(
            "answer-now",
            services.answer_now,
            (Status.TAKEN,),
            _("Answered on the spot"),
            _("Close with this answer"),
            _("The case is answered and closed."),
            forms.AnswerNowForm,
            step_input("CaseAnswerNowInput", answer=serializers.CharField(), concluded_on=date()),
            "即时解答: a question, a call for help or a suggestion answered on the spot; the "
            "case is closed (a complaint or legal aid is handled).",
            allowed=services.may_answer_now,
            dated="concluded_on",
            who=services.handles,
        ),
        Transition(
            "handle",
            services.start_handling,
            (Status.TAKEN,),
            _("Handle it here"),
            _("Start handling"),
            _("The case is being handled."),
            forms.NoteForm,
            step_input("CaseHandleInput"),
            "The union that took the case handles it itself.",
            who=services.handles,
        ),
        Transition(
            "transfer",
            services.transfer,
            (Status.TAKEN, Status.HANDLING),
            _("Hand over (转办)"),
            _("Hand over"),
            _("The case is handed over; it waits for the receiver to accept it."),
            forms.TransferForm,
            step_input(
                "CaseTransferInput",
                to_union=serializers.CharField(help_text="code of a child or sister union"),
            ),
            "转办: to a union one level down or to a sister union (note required).",
            who=services.handles,
        ),
        Transition(
            "accept",
            services.accept,
            (Status.TRANSFERRING,),
            _("Accept the case"),
            _("Accept"),
            _("The case is yours to handle."),
            forms.NoteForm,
            step_input("CaseAcceptInput"),
            "接收: the receiving union takes the case over.",
            who=services.is_receiver,
        ),
        Transition(
            "return",
            services.return_case,
            (Status.TRANSFERRING,),
            _("Return the case"),
            _("Return it"),
            _("The case is returned."),
            forms.ReasonForm,
            step_input("CaseReturnInput"),
            "退回: the receiving union gives it back (note: why).",
            who=services.is_receiver,
        ),
        Transition(
            "record-action",
            services.record_action,
            (Status.HANDLING,),
            _("Record an action"),
            _("Record"),
            _("The action is recorded."),
            forms.ActionForm,
            inline_serializer(
                "CaseActionInput",
                {
                    "kind": serializers.ChoiceField(CaseAction.Kind.choices),
                    "taken_on": date(),
                    "text": serializers.CharField(),
                    "agreement": serializers.CharField(required=False),
                    "reply_due_on": serializers.DateField(required=False),
                },
            ),
            "Mediation, legal-aid referral, 一函两书 letters, joint handling.",
            dated="taken_on",
            who=services.handles,
        ),
        Transition(
            "employer-reply",
            services.employer_reply,
            (Status.HANDLING,),
            _("Record the employer's reply"),
            _("Record the reply"),
            _("The employer's reply is recorded."),
            forms.EmployerReplyForm,
            inline_serializer(
                "CaseEmployerReplyInput",
                {
                    "letter": serializers.IntegerField(required=False),
                    "replied_on": date(),
                    "reply": serializers.CharField(),
                },
            ),
            "The employer's reply to a letter (一函两书).",
            allowed=services.has_open_letters,
            dated="replied_on",
            who=services.handles,
        ),
        Transition(
            "ask-extension",
            services.ask_extension,
            (Status.TAKEN, Status.HANDLING),
            _("Ask for more time"),
            _("Ask for the extension"),
            _("The extension is asked for; a level above decides."),
            forms.AskExtensionForm,
            inline_serializer(
                "CaseAskExtensionInput",
                {
                    "extension_workdays": serializers.IntegerField(min_value=1, max_value=30),
                    "extension_reason": serializers.CharField(),
                },
            ),
            "申请延期: before the deadline, once; a level above decides.",
            allowed=lambda case: services.may_ask_extension(case) and before_deadline(case),
            who=services.handles,
        ),
        Transition(
            "decide-extension",
            services.decide_extension,
            OPEN,
            _("Decide the extension"),
            _("Save the decision"),
            _("The decision is recorded."),
            forms.DecideExtensionForm,
            step_input("CaseDecideExtensionInput", approved=serializers.BooleanField()),
            "A level above approves (the deadline moves) or refuses the extension.",
            allowed=services.extension_asked,
            who=above,
        ),
        Transition(
            "urge",
            services.urge,
            OPEN,
            _("Urge (催办)"),
            _("Urge"),
            _("The handling union is urged."),
            forms.ReasonForm,
            step_input("CaseUrgeInput"),
            "催办: a level above, before the deadline.",
            allowed=before_deadline,
            who=above,
        ),
        Transition(
            "supervise",
            services.supervise,
            OPEN,
            _("Supervise (督办)"),
            _("Supervise"),
            _("The case is under supervision."),
            forms.ReasonForm,
            step_input("CaseSuperviseInput"),
            "督办: a level above, once the deadline has passed or the case was reopened.",
            allowed=lambda case: (
                not case.supervised and (not before_deadline(case) or case.reopened > 0)
            ),
            who=above,
        ),
        Transition(
            "extend-court",
            services.extend_court,
            OPEN,
            _("Extend the court's mediation by 30 days"),
            _("Extend"),
            _("The court's mediation is extended."),
            forms.ReasonForm,
            step_input("CaseExtendCourtInput"),
            "诉调对接: the court's 30 days extended once by 30.",
            allowed=services.may_extend_court,
            who=services.handles,
        ),
        Transition(
            "conclude",
            services.conclude,
            (Status.HANDLING,),
            _("Conclude (办结)"),
            _("Conclude"),
            _("The case is concluded."),
            forms.ConcludeForm,
            inline_serializer(
                "CaseConcludeInput",
                {
                    "outcome": serializers.ChoiceField(Case.Outcome.choices),
                    "answer": serializers.CharField(),
                    "concluded_on": date(),
                    "amount_recovered": serializers.CharField(required=False, help_text="yuan"),
                    "workers_helped": serializers.IntegerField(required=False, min_value=0),
                    "judicial_confirmation": serializers.BooleanField(required=False),
                    "dispute_focus": serializers.CharField(required=False),
                    "mediation_difficulty": serializers.CharField(required=False),
                },
            ),
            "办结: the outcome and what the caller is told (办不了说明 when it cannot be).",
            dated="concluded_on",
            who=services.handles,
        ),
        Transition(
            "call-back",
            services.call_back,
            (Status.CONCLUDED,),
            _("Call back (回访)"),
            _("Save the call back"),
            _("The call back is recorded."),
            forms.CallBackForm,
            step_input(
                "CaseCallBackInput",
                satisfaction=serializers.ChoiceField(Case.Satisfaction.choices),
                called_back_on=date(),
            ),
            "回访: from the working day after 办结; unsatisfied reopens it under 督办.",
            dated="called_back_on",
            who=services.handles,
        ),
        Transition(
            "quality-check",
            services.quality_check,
            (Status.CLOSED,),
            _("Quality check (质检)"),
            _("Save the check"),
            _("The check is recorded."),
            forms.QualityCheckForm,
            inline_serializer(
                "CaseQualityCheckInput",
                {
                    "check_passed": serializers.BooleanField(),
                    "check_note": serializers.CharField(required=False),
                },
            ),
            "质检: a closed case read again.",
            allowed=services.may_check,
        ),
    ],
    main={
        Status.TAKEN: "handle",
        Status.TRANSFERRING: "accept",
        Status.HANDLING: "conclude",
        Status.CONCLUDED: "call-back",
    },
)
