import pytest

from gonghui.members.numbers import county_prefix, issue_member_numbers

pytestmark = pytest.mark.django_db


def test_numbers_are_consecutive_per_county_and_never_reused(tree):
    prefix = county_prefix(tree.grassroots)
    assert prefix == "510104"
    first = issue_member_numbers(prefix)
    batch = issue_member_numbers(prefix, 3)
    other = issue_member_numbers("510105", 2)
    assert first == ["5101040000000001"]
    assert batch == ["5101040000000002", "5101040000000003", "5101040000000004"]
    assert other == ["5101050000000001", "5101050000000002"]
    assert len(set(first + batch + other)) == 6
