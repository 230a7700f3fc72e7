"""The home page's figures of the user's subtree: unions by kind and 建会率."""

import re

from gonghui.unions import services


def employer(actor, name, local, covering=None, staff=30):
    data = {"name": name, "region": "510104", "industry": "C", "local_union": local.code}
    data |= {"covering_union": covering.code if covering else "", "employee_count": staff}
    return services.create_employer(actor, data)


def cards(client):
    """The figures of the home page's cards, in their order: active unions, employers in the
    area, those with 25+ employees, the share of those with a union."""
    page = client.get("/").content.decode()
    numbers = re.findall(r'<span class="num">([^<]*)</span>', page)
    return dict(zip(["unions", "employers", "large", "rate"], numbers, strict=True))


def test_the_formation_rate_counts_large_employers_of_the_territory(tree, root_admin, client):
    employer(root_admin, "春熙百货", tree.street, tree.grassroots)  # large, with a union
    employer(root_admin, "锦江小面馆", tree.county, staff=8)  # small: not in the rate
    employer(root_admin, "锦江机械厂", tree.county)  # large, no union
    employer(root_admin, "锦江印刷厂", tree.county, tree.sibling_grassroots)  # covered elsewhere
    employer(root_admin, "青羊物流", tree.sibling, tree.grassroots)  # another territory
    client.force_login(tree.xian)
    shown = cards(client)
    assert shown == {"unions": "3", "employers": "4", "large": "3", "rate": "67%"}  # 2 of 3


def test_no_large_employer_shows_a_dash_not_a_rate(tree, client):
    client.force_login(tree.jiceng)
    assert cards(client)["rate"] == "—"
