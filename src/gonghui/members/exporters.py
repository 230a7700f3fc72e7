"""Exporting the member list (会员名册) as the user filtered it; headers as the import
template has them, so an exported roster can be corrected and imported again."""

from django.utils.translation import gettext_lazy

from gonghui.core import masking
from gonghui.members.filters import MembershipFilter
from gonghui.members.models import Membership, Reveal


def _date(value):
    return value.isoformat() if value else ""


def _region(region):
    return region.full_name.replace(" ", "") if region else ""  # as a clerk writes it


class MemberExporter:
    subject = "members"
    title = gettext_lazy("member roster")
    filterset = MembershipFilter

    def queryset(self, user):
        return Membership.objects.visible_to(user).select_related(
            "person__household_region", "person__residence_region", "union"
        )

    def columns(self, reveal):
        """(header, value of a membership) for each column."""

        # The mask policy: whole numbers (and the birth date) only in an export asked for
        # with a reason and logged; otherwise masked, and the birth year for the date.
        def birth(m):
            shown = masking.shown(m.person, "birth_date", reveal)
            return _date(shown) if reveal else (str(shown) if shown else "")

        return [
            ("会员编号", lambda m: m.member_number),
            ("姓名", lambda m: m.person.name),
            ("公民身份号码", lambda m: masking.shown(m.person, "id_number", reveal)),
            ("性别", lambda m: m.person.get_sex_display()),
            ("出生日期" if reveal else "出生年份", birth),
            ("手机号码", lambda m: masking.shown(m.person, "phone", reveal)),
            ("学历", lambda m: m.person.get_education_display()),
            ("就业形态", lambda m: m.person.get_employment_form_display()),
            ("平台类型", lambda m: m.person.get_platform_display()),
            # Names, not codes (the importer reads both back).
            ("户籍地", lambda m: _region(m.person.household_region)),
            ("常住地", lambda m: _region(m.person.residence_region)),
            ("工会编码", lambda m: m.union.code),
            ("工会名称", lambda m: m.union.name),
            ("入会时间", lambda m: _date(m.joined_on)),
            ("会籍状态", lambda m: m.get_status_display()),
            ("终止日期", lambda m: _date(m.ended_on)),
            ("会员卡号", lambda m: m.card_number),
        ]

    def text_columns(self, reveal):
        """Columns Excel must keep as text (numbers it would otherwise mangle)."""
        return ["会员编号", "公民身份号码", "手机号码", "工会编码", "会员卡号"]

    def log_reveal(self, user, job, count):
        Reveal.objects.create(
            user=user,
            job=job,
            count=count,
            field=Reveal.Field.ID_NUMBER,
            reason=job.options["reveal_reason"][:200],
        )
