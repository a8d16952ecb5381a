"""Operator pages for domains and indicator sets: create, edit, membership, versions,
stale edits, bad input, who may do it."""

import pytest
from django.urls import reverse

from benchlearn.catalogue.models import (
    CatalogueChange,
    Domain,
    IndicatorSet,
    IndicatorSetVersion,
)
from benchlearn.catalogue.selectors import set_indicator_codes
from benchlearn.catalogue.services import (
    CatalogueProblems,
    StaleEdit,
    catalogue_import,
    catalogue_publish,
    edit_token,
    indicator_set_members_change,
)
from tests.catalogue.conftest import SMALL_YAML
from tests.catalogue.test_services import dump
from tests.conftest import client_for, make_user


@pytest.fixture
def teammate(db):
    """A second operator, who edits the same things at the same time."""
    return make_user("drugi.operator@example.org", "Tomasz Teammate", is_operator=True)


def set_token() -> str:
    return edit_token(IndicatorSet.objects.get(code="SET_EDU").updated_at)


def members(client, action, add="", token=None):
    return client.post(
        reverse("indicator-set-members", args=["SET_EDU"]),
        {"action": action, "add": add, "base_token": token or set_token()},
    )


def pinned() -> dict[int, list[str]]:
    return {
        v.number: [
            f"{e.indicator_version.indicator.code} v{e.indicator_version.number}"
            for e in v.entries.order_by("order")
        ]
        for v in IndicatorSetVersion.objects.filter(set__code="SET_EDU")
    }


# --- who may -------------------------------------------------------------------------


def test_participant_is_refused_and_anonymous_sent_to_login(catalogue, participant_a):
    client = client_for(participant_a)
    pages = [
        reverse("domain-create"),
        reverse("domain-edit", args=["EDU"]),
        reverse("indicator-set-create"),
        reverse("indicator-set-edit", args=["SET_EDU"]),
    ]
    for url in pages:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"code": "X", "name_pl": "X"}).status_code == 403, url
    assert members(client, "remove:EDU_COST_PUPIL").status_code == 403
    assert set_indicator_codes(IndicatorSet.objects.get(code="SET_EDU")) == [
        "EDU_COST_PUPIL",
        "PUPILS_PER_1000",
    ]
    assert not Domain.objects.filter(code="X").exists()
    anonymous = client_for(None).get(reverse("domain-edit", args=["EDU"]))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    # Reading stays open to every account.
    assert client.get(reverse("domain-detail", args=["EDU"])).status_code == 200


# --- domains -------------------------------------------------------------------------


def test_operator_creates_and_edits_a_domain(catalogue, operator):
    client = client_for(operator)
    response = client.post(
        reverse("domain-create"),
        {"code": "ROADS", "name_pl": "Drogi", "name_en": "Roads", "description_pl": "Gminne"},
    )
    assert response.status_code == 302
    roads = Domain.objects.get(code="ROADS")
    assert roads.position == 2  # after EDU (0) and WASTE (1)
    url = reverse("domain-edit", args=["ROADS"])
    form = client.get(url)
    assert form.status_code == 200 and edit_token(roads.updated_at) in form.content.decode()
    response = client.post(
        url,
        {
            "name_pl": "Drogi publiczne",
            "name_en": "Roads",
            "description_pl": "Gminne",
            "position": "0",
            "base_token": edit_token(roads.updated_at),
        },
    )
    assert response.status_code == 302
    roads.refresh_from_db()
    assert (roads.name_pl, roads.position) == ("Drogi publiczne", 0)
    edited = CatalogueChange.objects.get(object_type="domain", code="ROADS", kind="edited")
    assert edited.changed_by == operator
    assert edited.changes == {"name_pl": ["Drogi", "Drogi publiczne"], "position": [2, 0]}
    page = client.get(reverse("domain-detail", args=["ROADS"])).content.decode()
    assert "Drogi publiczne" in page and "Gminne" in page


def test_domain_page_lists_its_sets_indicators_and_variables(catalogue, participant_a):
    page = client_for(participant_a).get(reverse("domain-detail", args=["EDU"]))
    text = page.content.decode()
    for code in ("SET_EDU", "EDU_COST_PUPIL", "PUPILS_PER_1000", "EDU_EXP", "PUPILS"):
        assert code in text
    assert "WASTE_PER_CAPITA" not in text and "WASTE_T" not in text
    assert reverse("domain-edit", args=["EDU"]) not in text  # no edit link for a participant


def test_index_links_domains_and_lists_an_empty_one(catalogue, operator):
    client = client_for(operator)
    client.post(reverse("domain-create"), {"code": "ROADS", "name_pl": "Drogi"})
    page = client.get(reverse("catalogue-index")).content.decode()
    assert reverse("domain-detail", args=["ROADS"]) in page
    assert reverse("domain-create") in page and reverse("indicator-set-create") in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"code": "EDU", "name_pl": "Oświata 2"}, "A domain with code EDU already exists."),
        ({"code": "ROADS", "name_pl": ""}, "This field is required."),
        ({"code": "1ROADS", "name_pl": "Drogi"}, "Enter a valid value."),
    ],
)
def test_bad_domain_is_refused_with_a_form_error(catalogue, operator, data, message):
    before = dump()
    with_english = client_for(operator)
    with_english.cookies["django_language"] = "en"
    response = with_english.post(reverse("domain-create"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert dump() == before


def test_stale_domain_edit_is_refused_and_changes_nothing(catalogue, operator, teammate):
    domain = Domain.objects.get(code="EDU")
    url = reverse("domain-edit", args=["EDU"])
    base = {"name_en": "Education", "position": "0", "base_token": edit_token(domain.updated_at)}
    assert client_for(operator).post(url, {**base, "name_pl": "Edukacja"}).status_code == 302
    before = dump()
    second = client_for(teammate).post(url, {**base, "name_pl": "Szkoły"})
    assert second.status_code == 409
    assert "Edukacja" in second.content.decode()  # what the other operator changed
    assert dump() == before
    assert Domain.objects.get(code="EDU").name_pl == "Edukacja"


# --- sets: identity and texts --------------------------------------------------------


def test_operator_creates_a_set_and_edits_its_texts(catalogue, operator):
    client = client_for(operator)
    response = client.post(
        reverse("indicator-set-create"),
        {"code": "SET_WASTE", "domain": "WASTE", "name_pl": "Zestaw – odpady"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("indicator-set-edit", args=["SET_WASTE"])
    created = IndicatorSet.objects.get(code="SET_WASTE")
    assert created.domain is not None and created.domain.code == "WASTE"
    assert not created.versions.exists()  # the first version comes with the first member
    response = client.post(
        reverse("indicator-set-edit", args=["SET_WASTE"]),
        {
            "domain": "WASTE",
            "name_pl": "Modelowy zestaw – odpady",
            "description_en": "Waste",
            "base_token": edit_token(created.updated_at),
        },
    )
    assert response.status_code == 302
    created.refresh_from_db()
    assert (created.name_pl, created.description_en) == ("Modelowy zestaw – odpady", "Waste")
    kinds = list(
        CatalogueChange.objects.filter(object_type="set", code="SET_WASTE")
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["created", "edited"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"code": "SET_EDU", "name_pl": "Drugi"}, "An indicator set with code SET_EDU"),
        ({"code": "SET_X", "name_pl": ""}, "This field is required."),
        ({"code": "SET_X", "name_pl": "X", "domain": "NOPE"}, "Select a valid choice."),
    ],
)
def test_bad_set_is_refused_with_a_form_error(catalogue, operator, data, message):
    before = dump()
    client = client_for(operator)
    response = client.post(reverse("indicator-set-create"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert dump() == before


# --- sets: membership ----------------------------------------------------------------


def test_membership_add_reorder_remove_is_recorded(catalogue, operator):
    client = client_for(operator)
    assert members(client, "add", add="WASTE_PER_CAPITA").status_code == 302
    assert members(client, "up:WASTE_PER_CAPITA").status_code == 302
    assert members(client, "down:EDU_COST_PUPIL").status_code == 302
    assert members(client, "remove:PUPILS_PER_1000").status_code == 302
    indicator_set = IndicatorSet.objects.get(code="SET_EDU")
    assert set_indicator_codes(indicator_set) == ["WASTE_PER_CAPITA", "EDU_COST_PUPIL"]
    history = [
        (row.changes["indicators"], row.changed_by)
        for row in CatalogueChange.objects.filter(object_type="set", kind="edited").order_by("pk")
    ]
    assert history == [
        (
            [
                ["EDU_COST_PUPIL", "PUPILS_PER_1000"],
                ["EDU_COST_PUPIL", "PUPILS_PER_1000", "WASTE_PER_CAPITA"],
            ],
            operator,
        ),
        (
            [
                ["EDU_COST_PUPIL", "PUPILS_PER_1000", "WASTE_PER_CAPITA"],
                ["EDU_COST_PUPIL", "WASTE_PER_CAPITA", "PUPILS_PER_1000"],
            ],
            operator,
        ),
        (
            [
                ["EDU_COST_PUPIL", "WASTE_PER_CAPITA", "PUPILS_PER_1000"],
                ["WASTE_PER_CAPITA", "EDU_COST_PUPIL", "PUPILS_PER_1000"],
            ],
            operator,
        ),
        (
            [
                ["WASTE_PER_CAPITA", "EDU_COST_PUPIL", "PUPILS_PER_1000"],
                ["WASTE_PER_CAPITA", "EDU_COST_PUPIL"],
            ],
            operator,
        ),
    ]
    page = client.get(reverse("indicator-set-detail", args=["SET_EDU"])).content.decode()
    assert "WASTE_PER_CAPITA, EDU_COST_PUPIL, PUPILS_PER_1000" in page  # the history


def test_edit_page_offers_indicators_grouped_by_domain(catalogue, operator):
    page = client_for(operator).get(reverse("indicator-set-edit", args=["SET_EDU"]))
    text = page.content.decode()
    assert '<optgroup label="Odpady">' in text
    assert '<option value="WASTE_PER_CAPITA">' in text
    assert '<option value="EDU_COST_PUPIL">' not in text  # already in the set


def test_new_membership_is_the_next_version_after_publish(catalogue, operator):
    assert catalogue_publish(user=operator).sets == ["SET_EDU v1"]
    client = client_for(operator)
    members(client, "add", add="WASTE_PER_CAPITA")
    members(client, "remove:EDU_COST_PUPIL")
    # The published version is untouched; the change waits in an unpublished version 2.
    assert pinned() == {
        1: ["EDU_COST_PUPIL v1", "PUPILS_PER_1000 v1"],
        2: ["PUPILS_PER_1000 v1", "WASTE_PER_CAPITA v1"],
    }
    assert IndicatorSetVersion.objects.get(set__code="SET_EDU", number=2).published_at is None
    assert catalogue_publish(user=operator).sets == ["SET_EDU v2"]
    assert IndicatorSetVersion.objects.get(set__code="SET_EDU", number=2).published_at
    assert catalogue_publish(user=operator).sets == []
    page = client.get(reverse("indicator-set-detail", args=["SET_EDU"])).content.decode()
    assert "PUPILS_PER_1000 v1</a>, <a" in page and "WASTE_PER_CAPITA v1" in page


def test_membership_edited_back_to_the_published_one_publishes_nothing(catalogue, operator):
    catalogue_publish(user=operator)
    client = client_for(operator)
    members(client, "add", add="WASTE_PER_CAPITA")
    members(client, "remove:WASTE_PER_CAPITA")
    assert sorted(pinned()) == [1]
    assert catalogue_publish(user=operator).sets == []


def test_a_new_set_gets_version_1_with_its_first_indicator(catalogue, operator):
    client = client_for(operator)
    client.post(reverse("indicator-set-create"), {"code": "SET_W", "name_pl": "Odpady"})
    client.post(
        reverse("indicator-set-members", args=["SET_W"]),
        {
            "action": "add",
            "add": "WASTE_PER_CAPITA",
            "base_token": edit_token(IndicatorSet.objects.get(code="SET_W").updated_at),
        },
    )
    assert "SET_W v1" in catalogue_publish(user=operator).sets


def test_unknown_or_bad_membership_change_is_refused(catalogue, operator):
    client = client_for(operator)
    before = dump()
    history = CatalogueChange.objects.count()
    for action, add, message in [
        ("add", "NOPE", "There is no indicator with code NOPE."),
        ("add", "EDU_COST_PUPIL", "EDU_COST_PUPIL is already in the set."),
        ("add", "", "Choose an indicator to add."),
        ("remove:WASTE_PER_CAPITA", "", "The set has no indicator WASTE_PER_CAPITA"),
        ("explode:EDU_COST_PUPIL", "", "the action is unknown"),
    ]:
        response = client.post(
            reverse("indicator-set-members", args=["SET_EDU"]),
            {"action": action, "add": add, "base_token": set_token()},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 400, action
        assert message in response.content.decode(), action
    assert dump() == before and CatalogueChange.objects.count() == history
    with pytest.raises(CatalogueProblems) as refused:
        indicator_set_members_change(
            indicator_set=IndicatorSet.objects.get(code="SET_EDU"),
            user=operator,
            base_token=None,
            codes=["EDU_COST_PUPIL", "NOPE", "EDU_COST_PUPIL"],
        )
    assert refused.value.problems == [
        "There is no indicator with code NOPE.",
        "Indicator EDU_COST_PUPIL is listed more than once.",
    ]
    assert dump() == before


def test_stale_membership_edit_is_refused_and_changes_nothing(catalogue, operator, teammate):
    opened = set_token()
    assert members(client_for(operator), "add", "WASTE_PER_CAPITA", token=opened).status_code == 302
    before = dump()
    response = members(client_for(teammate), "remove:EDU_COST_PUPIL", token=opened)
    assert response.status_code == 409
    text = response.content.decode()
    assert "WASTE_PER_CAPITA" in text and "Olga Operator" in text
    assert reverse("indicator-set-edit", args=["SET_EDU"]) in text  # reopen, not the POST URL
    assert dump() == before
    with pytest.raises(StaleEdit):
        indicator_set_members_change(
            indicator_set=IndicatorSet.objects.get(code="SET_EDU"),
            user=teammate,
            base_token=opened,
            codes=[],
        )


def test_stale_set_texts_edit_is_refused(catalogue, operator, teammate):
    opened = set_token()
    members(client_for(operator), "remove:PUPILS_PER_1000", token=opened)
    before = dump()
    response = client_for(teammate).post(
        reverse("indicator-set-edit", args=["SET_EDU"]),
        {"domain": "EDU", "name_pl": "Nowa nazwa", "base_token": opened},
    )
    assert response.status_code == 409
    assert dump() == before


def test_an_import_makes_open_set_forms_stale(catalogue, operator):
    opened = set_token()
    catalogue_import(
        text=SMALL_YAML.replace(
            "indicators: [EDU_COST_PUPIL, PUPILS_PER_1000]", "indicators: [EDU_COST_PUPIL]"
        ),
        user=operator,
    )
    with pytest.raises(StaleEdit) as refused:
        indicator_set_members_change(
            indicator_set=IndicatorSet.objects.get(code="SET_EDU"),
            user=operator,
            base_token=opened,
            codes=[],
        )
    [imported] = refused.value.edits
    assert [(c.field, c.new) for c in imported.changes] == [("indicators", ["EDU_COST_PUPIL"])]


def test_domain_and_set_pages_make_a_fixed_number_of_queries(
    catalogue, participant_a, django_assert_max_num_queries
):
    client = client_for(participant_a)
    client.get(reverse("domain-detail", args=["EDU"]))  # sessions and caches warmed up
    # Session, user, access checks (5), the unread notifications badge (1) and one
    # query per list: not one per row.
    with django_assert_max_num_queries(14):
        assert client.get(reverse("domain-detail", args=["EDU"])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("indicator-set-detail", args=["SET_EDU"])).status_code == 200
