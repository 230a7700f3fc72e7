"""The stored columns of each kind of person number (core/sealed.py), and that what the
services store is sealed: nothing of a number in clear in its row."""

import pytest
from django.db import connection

from gonghui.core import crypto
from gonghui.core.sealed import BANK_CARD, ID_NUMBER, PHONE
from gonghui.members import services as members
from gonghui.members.models import Person

NUMBER = "510105198003080012"


def test_each_kind_has_its_columns_and_mask():
    id_columns = ID_NUMBER.columns(NUMBER)
    assert set(id_columns) == {"id_number_encrypted", "id_number_index", "id_number_masked"}
    assert id_columns["id_number_masked"] == "510105********0012"
    assert crypto.decrypt(id_columns["id_number_encrypted"]) == NUMBER
    assert id_columns["id_number_index"] == crypto.blind_index(NUMBER) == ID_NUMBER.index(NUMBER)
    assert PHONE.columns("13812345678")["phone_masked"] == "138****5678"
    card = BANK_CARD.columns("6228480402564890018", prefix="card")
    assert set(card) == {"card_encrypted", "card_masked"}  # a card is never looked up
    assert card["card_masked"] == "6228 **** **** 0018"
    assert BANK_CARD.reveal(card["card_encrypted"]) == "6228480402564890018"


def test_none_leaves_no_ciphertext_and_no_index():
    assert PHONE.columns("") == {"phone_encrypted": None, "phone_masked": "", "phone_index": ""}
    assert BANK_CARD.reveal(None) == ""


@pytest.mark.django_db
def test_a_registered_persons_row_holds_no_number_in_clear(tree):
    application = members.submit_application(
        {"name": "曾小凡", "id_number": NUMBER, "phone": "13812345678",
         "union": tree.grassroots.code},
        consent=True,
    )  # fmt: skip
    person = members.approve_application(tree.jiceng, application).membership.person
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Person._meta.db_table} WHERE id = %s", [person.pk])
        row = " ".join(
            bytes(v).hex() if isinstance(v, bytes | memoryview) else str(v)
            for v in cursor.fetchone()
        )
    for secret in (NUMBER, NUMBER[6:14], "13812345678", "12345678"):
        assert secret not in row
    assert Person.objects.get(id_number_index=ID_NUMBER.index(NUMBER)) == person
    assert Person.objects.get(phone_index=PHONE.index("13812345678")) == person
