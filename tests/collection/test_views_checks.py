"""Checks on the pages: live checks while typing (nothing saved, counters and each
field's checks swapped in), a comment on any value (recorded like other changes), the
reviewer's columns (last known value, similar units, warnings, explanation), and a form
whose queries do not grow with its fields."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchlearn.collection.models import Submission, Value, ValueChange
from benchlearn.collection.selectors import round_variables
from tests.collection.conftest import COMPLETE, PERIOD, approve_all, dump, make_round, save
from tests.collection.test_views import form_url, page_data
from tests.conftest import TERYT_C, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_year(published, programme, units, operator, participant_a):
    previous = make_round(operator, list(units.values()), period=PERIOD - 1)
    submission = Submission.objects.get(round=previous, unit=units["a"])
    assert save(submission, participant_a, {"EDU_EXP": "100"}).ok
    return previous


def test_live_check_answers_with_the_fields_checks_and_counters(
    last_year, round_, sub_a, participant_a
):
    before = dump()
    client = client_for(participant_a)
    data = page_data(sub_a, {"EDU_EXP": "200", "SUBSIDY": "12 tys.", "TEACHERS": ""})
    response = client.post(form_url(round_, tail="check/"), data)
    assert response.status_code == 200
    page = response.text
    assert dump() == before  # nothing saved
    assert 'id="check-summary"' in page and 'hx-swap-oob="true"' in page
    assert '<strong data-count="errors">1</strong>' in page  # "12 tys." is not a number
    assert '<strong data-count="warnings">1</strong>' in page
    assert '<strong data-count="missing">2</strong>' in page  # TEACHERS, NEW_PUPILS
    assert "1 without an explanation" in page
    assert 'id="m-EDU_EXP"' in page and 'data-warned="1"' in page
    assert "The value changed by 100% from last year" in page
    # An explanation typed in the comment box counts at once.
    data["c-EDU_EXP"] = "Nowa szkoła"
    page = client.post(form_url(round_, tail="check/"), data).text
    assert "without an explanation" not in page


@pytest.mark.parametrize("who", ["participant_b", "stranger", "moderator"])
def test_live_check_is_refused_to_those_who_may_not_edit(round_, sub_a, programme, who):
    response = client_for(programme[who]).post(
        form_url(round_, tail="check/"), page_data(sub_a, {"EDU_EXP": "1"})
    )
    assert response.status_code in (403, 404)


def test_live_check_answers_only_post(round_, participant_a):
    assert client_for(participant_a).get(form_url(round_, tail="check/")).status_code == 405


def test_a_comment_on_a_value_without_a_warning_is_recorded(round_, sub_a, participant_a):
    client = client_for(participant_a)
    assert client.post(form_url(round_), page_data(sub_a, {"EDU_EXP": "100"})).status_code == 302
    page = client.get(form_url(round_)).text
    assert 'name="c-SUBSIDY"' in page and "Add a comment" in page  # on every field
    data = page_data(sub_a, {"EDU_EXP": "100"}, comments={"EDU_EXP": "Dane z Rb-28S"})
    assert client.post(form_url(round_), data).status_code == 302
    value = Value.objects.get(variable__code="EDU_EXP", period=PERIOD, unit=sub_a.unit)
    assert value.comment == "Dane z Rb-28S"
    change = ValueChange.objects.filter(value=value).order_by("-pk").first()
    assert (change.old_comment, change.new_comment) == ("", "Dane z Rb-28S")
    assert change.changed_by == participant_a and change.changed_at is not None
    assert change.old_value == change.new_value == 100


def form_queries(client, round_):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(form_url(round_)).status_code == 200
    return len(queries)


def check_queries(client, round_, submission, values):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(form_url(round_, tail="check/"), page_data(submission, values))
        assert response.status_code == 200
    return len(queries)


def test_the_form_and_its_live_check_make_no_query_per_field(
    published, programme, units, operator, participant_a
):
    small = make_round(operator, [units["a"]], period=PERIOD - 3)
    large = make_round(operator, [units["a"]], period=PERIOD - 2, sets=("SET_EDU", "SET_WASTE"))
    assert len(round_variables(large)) > len(round_variables(small))
    client = client_for(participant_a)
    form_queries(client, small)  # the session's first queries out of the way
    assert form_queries(client, small) == form_queries(client, large) <= 40
    subs = [Submission.objects.get(round=r, unit=units["a"]) for r in (small, large)]
    few, many = (
        check_queries(client, round_, sub, {"EDU_EXP": "5"})
        for round_, sub in zip((small, large), subs, strict=True)
    )
    assert few == many <= 25


def test_the_reviewer_sees_last_known_value_peers_warnings_and_explanation(
    published, programme, units, rural_peers, operator, participant_a
):
    approve_all(
        operator, rural_peers, PERIOD - 1, [{"SUBSIDY": n} for n in ("10", "12", "14", "16", "18")]
    )
    # Unit C's last known value is of four years ago: older than any peer data used.
    approve_all(operator, [units["c"]], PERIOD - 4, [{"SUBSIDY": "15"}])
    round_ = make_round(operator, [units["c"]])
    gmina = Submission.objects.get(round=round_, unit=units["c"])
    assert save(gmina, operator, {**COMPLETE, "SUBSIDY": ("40", "Dotacja celowa na szkołę")}).ok
    gmina.refresh_from_db()
    client = client_for(operator)
    data = page_data(
        gmina, {**COMPLETE, "SUBSIDY": "40"}, comments={"SUBSIDY": "Dotacja celowa na szkołę"}
    )
    assert client.post(form_url(round_, TERYT_C, "submit/"), data).status_code == 302
    for tail in ("return/", ""):
        page = client.get(form_url(round_, TERYT_C, tail)).text
        assert f'15 <span class="muted">({PERIOD - 4})</span>' in page
        assert "Similar units (5): median 14, usually 6 to 22" in page
        assert "The value changed by 166.7% from 15 in" in page
        assert "Explanation: Dotacja celowa na szkołę" in page
