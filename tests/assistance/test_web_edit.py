"""Correcting a hardship file's description and household on the web (/hardship/N/edit/):
members on file edited or removed by their line, new members added with their ID number,
the card kept unless a new one is typed; whole ID and card numbers never reach the page;
errors on their line with nothing written; scope and role as everywhere."""

from decimal import Decimal

import pytest
from django.test import Client
from households import file_data, filed, make_id, member

from gonghui.assistance.models import HardshipFile, HouseholdMember
from gonghui.assistance.services import files
from gonghui.core import crypto
from gonghui.core.models import AuditEvent

pytestmark = pytest.mark.django_db

CARD = file_data(0)["bank_card"]  # 6228480402564890018


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def edit_url(file):
    return f"/hardship/{file.pk}/edit/"


def as_posted(page, **changes):
    """The edit form as a browser would post it unchanged, then `changes` (field names as
    posted: `household-1-monthly_income`)."""
    form, formset = page.context["form"], page.context["formset"]
    post = {}
    for bound in [*form, *formset.management_form]:
        value = bound.value()
        if value not in (None, "", [], False):
            post[bound.html_name] = value
    for row in formset:
        for bound in row:
            if bound.name == "id_number" and row.on_file:
                continue  # not on the page: shown masked
            value = bound.value()
            if value not in (None, "", False):
                post[bound.html_name] = value
    post.update(changes)
    return post


def whole_numbers(file):
    """Every whole ID number of the file's household, the head's included."""
    return [crypto.decrypt(m.id_number_encrypted) for m in file.household.all()]


def assert_nothing_whole(body, file):
    for number in whole_numbers(file):
        assert number not in body
        assert number.lower() not in body
    assert CARD not in body


def line_of(page, name):
    return next(i for i, row in enumerate(page.context["formset"]) if row["name"].value() == name)


def test_staff_correct_an_income_and_add_a_newborn(tree):
    member(tree, 1)
    file = filed(tree, 1)
    assert file.income_per_head == Decimal("866.67")  # 2600 over 3
    web = client_of(tree.jiceng)
    detail = web.get(file.get_absolute_url())
    assert edit_url(file).encode() in detail.content

    page = web.get(edit_url(file))
    assert page.status_code == 200
    assert "6228 **** **** 0018" in page.content.decode()
    assert_nothing_whole(page.content.decode(), file)
    spouse = line_of(page, "李秀英")
    first_blank = page.context["formset"].initial_form_count()
    baby = make_id(901, birth="20260801")
    post = as_posted(
        page,
        **{
            f"household-{spouse}-work": "employed",
            f"household-{spouse}-monthly_income": "1400",
            f"household-{first_blank}-relation": "child",
            f"household-{first_blank}-name": "曾小宝",
            f"household-{first_blank}-id_number": baby,
            f"household-{first_blank}-work": "preschool",
            f"household-{first_blank}-monthly_income": "0",
            f"household-{first_blank}-health": "healthy",
            "note": "年度复核：妻子重新就业，新添一子。",
        },
    )
    events = AuditEvent.objects.count()
    response = web.post(edit_url(file), post)
    assert response.status_code == 302 and response.url == file.get_absolute_url()

    file = HardshipFile.objects.get(pk=file.pk)
    assert file.income_per_head == Decimal("1000.00")  # (2600 + 1400) over 4
    names = {m.name: m for m in file.household.all()}
    assert set(names) == {"曾小凡", "李秀英", "曾子涵", "曾小宝"}
    assert names["李秀英"].monthly_income == 1400 and names["李秀英"].work == "employed"
    # Members on file kept their ID numbers; the card on file stays.
    assert crypto.decrypt(names["李秀英"].id_number_encrypted) == make_id(501, birth="19820511")
    assert crypto.decrypt(names["曾小宝"].id_number_encrypted) == baby
    assert crypto.decrypt(file.bank_card_encrypted) == CARD
    assert file.category == "deep" and file.other_causes == ["schooling"]

    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.for_object(file).first()
    assert event.note == "年度复核：妻子重新就业，新添一子。"
    assert event.changes["income_per_head"] == ["866.67", "1000.00"]
    detail = web.get(file.get_absolute_url()).content.decode()
    assert "年度复核：妻子重新就业，新添一子。" in detail and "1000.00" in detail


def test_the_page_never_shows_a_whole_number_even_after_an_error(tree):
    member(tree, 2)
    file = filed(tree, 2)
    web = client_of(tree.xian)
    page = web.get(edit_url(file))
    body = page.content.decode()
    assert_nothing_whole(body, file)
    for m in file.household.all():
        assert m.id_number_masked in body
    # Refused for another reason: the page comes back, still without them.
    again = web.post(edit_url(file), as_posted(page, category=""))
    assert again.status_code == 200 and again.context["form"].errors["category"]
    assert_nothing_whole(again.content.decode(), file)


def test_a_new_card_replaces_the_old_one(tree):
    member(tree, 3)
    file = filed(tree, 3)
    web = client_of(tree.jiceng)
    page = web.get(edit_url(file))
    new_card = "6217003810026896532"
    response = web.post(edit_url(file), as_posted(page, bank_card=new_card, bank_name="建设银行"))
    assert response.status_code == 302
    file = HardshipFile.objects.get(pk=file.pk)
    assert crypto.decrypt(file.bank_card_encrypted) == new_card
    assert file.bank_card_masked == "6217 **** **** 6532" and file.bank_name == "建设银行"
    body = web.get(edit_url(file)).content.decode()
    assert new_card not in body and "6217 **** **** 6532" in body


def test_a_removed_member_is_gone(tree):
    member(tree, 4)
    file = filed(tree, 4)
    web = client_of(tree.jiceng)
    page = web.get(edit_url(file))
    child = line_of(page, "曾子涵")
    response = web.post(
        edit_url(file),
        as_posted(page, **{f"household-{child}-remove": "on", "note": "子女成年分户"}),
    )
    assert response.status_code == 302
    file = HardshipFile.objects.get(pk=file.pk)
    assert sorted(file.household.values_list("name", flat=True)) == ["曾小凡", "李秀英"]
    assert file.income_per_head == Decimal("1300.00")


def test_a_bad_new_id_is_named_on_its_line_and_nothing_changes(tree):
    member(tree, 5)
    file = filed(tree, 5)
    web = client_of(tree.jiceng)
    page = web.get(edit_url(file))
    blank = page.context["formset"].initial_form_count()
    spouse = line_of(page, "李秀英")
    bad = make_id(902, birth="20260801")[:-1] + "0"  # check digit wrong
    before_rows = list(file.household.values_list("pk", "name", "monthly_income"))
    before = (AuditEvent.objects.count(), HouseholdMember.objects.count())
    response = web.post(
        edit_url(file),
        as_posted(
            page,
            **{
                f"household-{spouse}-monthly_income": "1400",
                f"household-{blank}-relation": "child",
                f"household-{blank}-name": "曾小宝",
                f"household-{blank}-id_number": bad,
                f"household-{blank}-work": "preschool",
                f"household-{blank}-health": "healthy",
            },
        ),
    )
    assert response.status_code == 200
    rows = response.context["formset"].forms
    assert rows[blank].errors["id_number"]
    assert not rows[spouse].errors
    assert (AuditEvent.objects.count(), HouseholdMember.objects.count()) == before
    assert list(file.household.values_list("pk", "name", "monthly_income")) == before_rows
    assert_nothing_whole(response.content.decode(), file)


def test_a_member_of_another_file_is_refused_without_showing_them(tree):
    member(tree, 6)
    member(tree, 7, name="王大力")
    file = filed(tree, 6)
    other = files.apply(tree.jiceng, file_data(7))
    stranger = other.household.get(relation="spouse")
    web = client_of(tree.jiceng)
    page = web.get(edit_url(file))
    spouse = line_of(page, "李秀英")
    before = (AuditEvent.objects.count(), HouseholdMember.objects.count())
    response = web.post(
        edit_url(file),
        as_posted(page, **{f"household-{spouse}-member": str(stranger.pk)}),
    )
    assert response.status_code == 200
    assert response.context["formset"].forms[spouse].errors["member"]
    body = response.content.decode()
    assert stranger.id_number_masked not in body
    assert crypto.decrypt(stranger.id_number_encrypted) not in body
    assert (AuditEvent.objects.count(), HouseholdMember.objects.count()) == before
    assert file.household.filter(pk=stranger.pk).count() == 0
    assert other.household.filter(pk=stranger.pk).exists()


def test_read_only_users_see_no_edit_link_and_may_not_post(tree):
    member(tree, 8)
    file = filed(tree, 8)
    web = client_of(tree.ro)
    page = web.get(file.get_absolute_url())
    assert page.status_code == 200 and edit_url(file).encode() not in page.content
    assert web.get(edit_url(file)).status_code == 403
    before = (AuditEvent.objects.count(), HouseholdMember.objects.count())
    assert web.post(edit_url(file), {"note": "x"}).status_code == 403
    assert (AuditEvent.objects.count(), HouseholdMember.objects.count()) == before


def test_another_branch_gets_404(tree):
    member(tree, 9)
    file = filed(tree, 9)
    web = client_of(tree.other)
    before = (AuditEvent.objects.count(), HouseholdMember.objects.count())
    assert web.get(edit_url(file)).status_code == 404
    assert web.post(edit_url(file), {"note": "x"}).status_code == 404
    assert (AuditEvent.objects.count(), HouseholdMember.objects.count()) == before


def test_a_closed_file_offers_no_edit(tree):
    member(tree, 10)
    file = filed(tree, 10)
    files.remove(tree.jiceng, file, {"removal_reason": "reassessed", "note": "复核不符合条件"})
    web = client_of(tree.jiceng)
    assert edit_url(file).encode() not in web.get(file.get_absolute_url()).content
    assert web.get(edit_url(file)).status_code == 302
