"""The start page shows each person what they can do next, by role."""

import pytest

from tests.conftest import client_for

SECTIONS = ("operator", "moderator", "participant", "public")


def _sections(html: str) -> set[str]:
    return {role for role in SECTIONS if f'data-role="{role}"' in html}


def test_anonymous_visitor_sees_the_welcome_page_with_login(db):
    html = client_for(None).get("/").content.decode()
    assert _sections(html) == set()
    assert 'href="/accounts/login/"' in html


@pytest.mark.parametrize(
    "role, sections",
    [
        ("operator", {"operator"}),
        ("moderator", {"moderator"}),
        ("participant_a", {"participant"}),
        ("stranger", {"participant"}),
        ("nobody", {"public"}),
    ],
)
def test_each_role_sees_its_own_sections(programme, role, sections):
    html = client_for(programme[role]).get("/").content.decode()
    assert _sections(html) == sections


def test_participant_sees_their_unit_level_and_group(programme, group):
    html = client_for(programme["participant_a"]).get("/").content.decode()
    assert 'href="/units/2461011/"' in html
    assert "strategic (leadership)" in html
    assert f'href="/groups/{group.pk}/"' in html
    # Nothing of units they do not act for.
    assert "/units/2466011/" not in html


def test_moderator_sees_the_groups_they_moderate(programme, group):
    html = client_for(programme["moderator"]).get("/").content.decode()
    assert f'href="/groups/{group.pk}/"' in html
    assert "2 member units" in html


def test_operator_sees_programme_figures_and_admin_links(programme):
    html = client_for(programme["operator"]).get("/").content.decode()
    assert "/admin/accounts/user/add/" in html
    assert "/admin/groups/exchangegroup/add/" in html
    assert "/admin/accounts/accesschange/" in html
    assert "units in the registry" in html
    for person in ("moderator", "participant_a", "nobody"):
        assert (
            "/admin/accounts/accesschange/"
            not in client_for(programme[person]).get("/").content.decode()
        )


def test_a_person_with_two_roles_sees_both(programme, group, unit_c):
    from benchlearn.units.models import Level
    from benchlearn.units.services import unit_membership_set

    moderator = programme["moderator"]
    unit_membership_set(user=moderator, unit=unit_c, level=Level.MIDDLE)
    html = client_for(moderator).get("/").content.decode()
    assert _sections(html) == {"moderator", "participant"}


def test_start_page_query_count_is_fixed(programme, django_assert_max_num_queries):
    client = client_for(programme["participant_a"])
    # 14: with the unread notifications and the unit's latest results (none yet).
    with django_assert_max_num_queries(14):
        client.get("/")
