"""The collection pages as each person uses them: the participant of unit A fills in the
form, the participant of unit B is refused it, the moderator reads it, the operator runs
rounds and reviews; anonymous visitors are sent to log in."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django_tasks import task_backends

from benchlearn.collection.models import (
    ReturnComment,
    Round,
    RoundState,
    Submission,
    SubmissionState,
    Value,
    ValueChange,
)
from benchlearn.collection.selectors import submission_revisions
from benchlearn.results.models import Computation, ComputationState
from tests.collection.conftest import COMPLETE, PERIOD, dump, make_round, save
from tests.conftest import TERYT_A, TERYT_B, TERYT_C, client_for

pytestmark = pytest.mark.django_db


def form_url(round_, teryt=TERYT_A, tail=""):
    return f"/rounds/{round_.pk}/units/{teryt}/{tail}"


def page_data(submission, values, *, comments=None, revisions=None):
    """What the form posts: the values as typed, the page's revisions, comments."""
    submission.refresh_from_db()
    base = submission_revisions(submission) if revisions is None else revisions
    data = {"revision": str(submission.revision)}
    for code, text in values.items():
        data[f"v-{code}"] = text
        data[f"r-{code}"] = str(base.get(code, 0))
    for code, text in (comments or {}).items():
        data[f"c-{code}"] = text
    return data


def stored(code, unit_teryt=TERYT_A):
    value = Value.objects.filter(unit__teryt=unit_teryt, variable__code=code, period=PERIOD).first()
    return value.value if value else None


def hidden(response, name):
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', response.content.decode())
    assert match, f"no {name} on the page"
    return match.group(1)


# --- who may open what -------------------------------------------------------------------


@pytest.mark.parametrize("tail", ["", "history/", "history/EDU_EXP/"])
def test_unit_pages_by_role(round_, programme, sub_a, tail):
    url = form_url(round_, tail=tail)
    for role, status in [
        ("participant_a", 200),
        ("operator", 200),
        ("moderator", 200),
        ("participant_b", 404),  # as for a submission that does not exist
        ("stranger", 404),
        ("nobody", 404),
    ]:
        assert client_for(programme[role]).get(url).status_code == status, role
    response = client_for(None).get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_moderator_reads_but_cannot_save(round_, programme, sub_a, moderator):
    page = client_for(moderator).get(form_url(round_))
    assert 'class="values"' not in page.content.decode()  # no form, a read-only table
    before = dump()
    response = client_for(moderator).post(form_url(round_), page_data(sub_a, {"EDU_EXP": "5"}))
    assert response.status_code == 403
    assert dump() == before


def test_participant_of_another_unit_cannot_save_or_submit(round_, sub_a, participant_b):
    before = dump()
    client = client_for(participant_b)
    assert client.post(form_url(round_), page_data(sub_a, {"EDU_EXP": "5"})).status_code == 404
    data = page_data(sub_a, {"EDU_EXP": "5"})
    assert client.post(form_url(round_, tail="submit/"), data).status_code == 404
    assert dump() == before


def test_only_operators_review_and_restore(round_, sub_a, participant_a, moderator):
    save(sub_a, participant_a, {"EDU_EXP": "100"})
    change = ValueChange.objects.get()
    for user in (participant_a, moderator):
        client = client_for(user)
        for tail in ("approve/", "reopen/", "return/", f"restore/{change.pk}/"):
            assert client.post(form_url(round_, tail=tail)).status_code == 403, tail
        assert client.get(form_url(round_, tail="return/")).status_code == 403
        assert client.post(f"/rounds/{round_.pk}/remind/").status_code == 403
        assert client.post(f"/rounds/{round_.pk}/close/").status_code == 403
        assert client.get("/rounds/new/").status_code == 403


# --- the form ------------------------------------------------------------------------------


def test_form_shows_variables_by_domain_with_last_year(published, programme, units, operator):
    previous = make_round(operator, list(units.values()), period=PERIOD - 1)
    participant = programme["participant_a"]
    save(Submission.objects.get(round=previous, unit=units["a"]), participant, {"EDU_EXP": "1500"})
    round_ = make_round(operator, list(units.values()))
    page = client_for(participant).get(form_url(round_)).content.decode()
    assert "<legend>Education</legend>" in page
    assert (
        "Current expenditure on education" in page and "PLN" in page
    )  # the unit of measure in English
    assert "Last year: 1,500" in page  # the page's locale (English in tests)
    assert 'name="v-EDU_EXP"' in page and 'name="r-EDU_EXP" value="0"' in page
    assert "Draft" in page


def test_saving_polish_numbers(round_, sub_a, participant_a):
    client = client_for(participant_a)
    data = page_data(sub_a, {"EDU_EXP": "1 234,56", "TEACHERS": "40", "SUBSIDY": ""})
    response = client.post(form_url(round_), data)
    assert response.status_code == 302
    assert stored("EDU_EXP") == Decimal("1234.56") and stored("TEACHERS") == 40
    page = client.get(form_url(round_)).content.decode()
    # The input shows the number the Polish way whatever the page's language, so that
    # saving the page unchanged stores the very same number.
    assert 'value="1 234,56"' in page and 'name="r-EDU_EXP" value="1"' in page
    assert "Saved: 2 values changed." in page


def test_polish_page_shows_polish_numbers(round_, sub_a, participant_a, settings):
    settings.LANGUAGE_CODE = "pl"
    save(sub_a, participant_a, {"EDU_EXP": "1234567,5"})
    page = client_for(participant_a).get(form_url(round_)).content.decode()
    assert 'value="1 234 567,5"' in page
    assert "Zapisz" in page


def test_a_bad_value_keeps_the_input_and_stores_nothing(round_, sub_a, participant_a):
    save(sub_a, participant_a, {"EDU_EXP": "100"})
    before = dump()
    data = page_data(sub_a, {"EDU_EXP": "200", "TEACHERS": "dwanaście", "SUBSIDY": "1.234"})
    response = client_for(participant_a).post(form_url(round_), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was saved" in page
    assert 'value="dwanaście"' in page and 'value="200"' in page and 'value="1.234"' in page
    assert "is not a number" in page and "ambiguous" in page
    assert dump() == before


def test_the_same_post_twice_stores_one_change(round_, sub_a, participant_a):
    data = page_data(sub_a, {"EDU_EXP": "1 000", "TEACHERS": "12"})
    client = client_for(participant_a)
    first = client.post(form_url(round_), data)
    second = client.post(form_url(round_), data)  # a double click, a resent request
    assert first.status_code == second.status_code == 302
    assert ValueChange.objects.count() == 2  # one per variable, not two
    assert Value.objects.get(variable__code="EDU_EXP").revision == 1
    assert "nothing had changed" in client.get(form_url(round_)).content.decode()


def test_conflict_keep_mine(round_, sub_a, participant_a, operator):
    anna, olga = client_for(participant_a), client_for(operator)
    opened = page_data(sub_a, {"EDU_EXP": ""})  # both opened the empty form
    assert anna.post(form_url(round_), {**opened, "v-EDU_EXP": "100"}).status_code == 302
    before = dump()
    response = olga.post(form_url(round_), {**opened, "v-EDU_EXP": "200", "v-TEACHERS": "9"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed this value" in page
    assert "Anna Uczestniczka saved 100" in page and "you typed 200" in page
    assert dump() == before  # not even TEACHERS
    again = {
        **opened,
        "v-EDU_EXP": "200",
        "v-TEACHERS": "9",
        "r-EDU_EXP": hidden(response, "r-EDU_EXP"),
        "conflict-EDU_EXP": "1",
    }
    undecided = olga.post(form_url(round_), again)
    assert undecided.status_code == 400 and "keep your value or take theirs" in undecided.text
    assert dump() == before
    assert olga.post(form_url(round_), {**again, "choice-EDU_EXP": "mine"}).status_code == 302
    assert stored("EDU_EXP") == 200 and stored("TEACHERS") == 9


def test_conflict_take_theirs(round_, sub_a, participant_a, operator):
    anna, olga = client_for(participant_a), client_for(operator)
    opened = page_data(sub_a, {"EDU_EXP": ""})
    anna.post(form_url(round_), {**opened, "v-EDU_EXP": "100"})
    response = olga.post(form_url(round_), {**opened, "v-EDU_EXP": "200"})
    again = {
        **opened,
        "v-EDU_EXP": "200",
        "r-EDU_EXP": hidden(response, "r-EDU_EXP"),
        "conflict-EDU_EXP": "1",
        "choice-EDU_EXP": "theirs",
    }
    assert olga.post(form_url(round_), again).status_code == 302
    assert stored("EDU_EXP") == 100
    assert ValueChange.objects.count() == 1


@pytest.fixture
def last_year(published, programme, units, operator, participant_a):
    previous = make_round(operator, list(units.values()), period=PERIOD - 1)
    submission = Submission.objects.get(round=previous, unit=units["a"])
    assert save(submission, participant_a, {"EDU_EXP": "100"}).ok
    return previous


def test_a_warning_needs_a_comment_before_submit(last_year, round_, sub_a, participant_a):
    client = client_for(participant_a)
    values = {**COMPLETE, "EDU_EXP": "200"}
    response = client.post(form_url(round_, tail="submit/"), page_data(sub_a, values))
    assert response.status_code == 400
    page = response.text
    assert "Saved: 4 values changed." in page  # the values are kept, not the submission
    assert "The value changed by 100% from last year" in page
    assert "Explain the warning in a comment before submission." in page
    assert 'name="c-EDU_EXP"' in page  # the comment field appears with the warning
    sub_a.refresh_from_db()
    assert sub_a.state == SubmissionState.DRAFT
    data = page_data(sub_a, values, comments={"EDU_EXP": "Nowa szkoła"})
    assert client.post(form_url(round_, tail="submit/"), data).status_code == 302
    sub_a.refresh_from_db()
    assert sub_a.state == SubmissionState.SUBMITTED
    assert Value.objects.get(variable__code="EDU_EXP", period=PERIOD).comment == "Nowa szkoła"


def test_submit_refused_with_blocking_problems(round_, sub_a, participant_a):
    response = client_for(participant_a).post(
        form_url(round_, tail="submit/"), page_data(sub_a, {"EDU_EXP": "600000000"})
    )
    assert response.status_code == 400
    assert "The data cannot be submitted yet" in response.text
    assert "above the allowed maximum" in response.text
    assert "A value is required before submission." in response.text
    sub_a.refresh_from_db()
    assert sub_a.state == SubmissionState.DRAFT


def test_double_click_on_submit_submits_once(round_, sub_a, participant_a):
    client = client_for(participant_a)
    data = page_data(sub_a, COMPLETE)
    assert client.post(form_url(round_, tail="submit/"), data).status_code == 302
    second = client.post(form_url(round_, tail="submit/"), data, follow=True)
    assert second.status_code == 200 and "The data are submitted." in second.text
    assert sub_a.events.count() == 1


def test_a_save_refused_as_a_whole_lists_what_was_typed(round_, sub_a, participant_a, operator):
    data = page_data(sub_a, COMPLETE)
    client_for(participant_a).post(form_url(round_, tail="submit/"), data)
    response = client_for(participant_a).post(form_url(round_), {**data, "v-TEACHERS": "77"})
    assert response.status_code == 409
    assert "it can be changed only after it is returned" in response.text
    assert '<span class="typed">77</span>' in response.text


def test_return_correct_resubmit_approve(round_, sub_a, participant_a, operator):
    anna, olga = client_for(participant_a), client_for(operator)
    anna.post(form_url(round_, tail="submit/"), page_data(sub_a, COMPLETE))
    review = olga.get(form_url(round_, tail="return/"))
    assert review.status_code == 200 and 'name="c-TEACHERS"' in review.text
    empty = olga.post(form_url(round_, tail="return/"), {"c-TEACHERS": " "})
    assert empty.status_code == 400 and "at least one value" in empty.text
    olga.post(form_url(round_, tail="return/"), {"c-TEACHERS": "Sprawdź liczbę etatów"})
    sub_a.refresh_from_db()
    assert sub_a.state == SubmissionState.RETURNED
    page = anna.get(form_url(round_)).text
    assert "Returned for correction" in page and "Sprawdź liczbę etatów" in page
    data = page_data(sub_a, {**COMPLETE, "TEACHERS": "42"})
    assert anna.post(form_url(round_, tail="submit/"), data).status_code == 302
    assert olga.post(form_url(round_, tail="approve/")).status_code == 302
    sub_a.refresh_from_db()
    assert sub_a.state == SubmissionState.APPROVED
    page = anna.get(form_url(round_)).text
    assert "The data are locked" in page and 'class="values"' not in page
    assert ReturnComment.objects.get().resolved_at is not None
    olga.post(form_url(round_, tail="reopen/"))
    sub_a.refresh_from_db()
    assert sub_a.state == SubmissionState.RETURNED


def test_approving_on_the_page_queues_one_computation(
    round_, sub_a, sub_b, participant_a, participant_b, operator
):
    olga = client_for(operator)
    olga.post(form_url(round_, tail="approve/"))  # still a draft: refused
    assert not Computation.objects.exists()
    for participant, submission, teryt in (
        (participant_a, sub_a, TERYT_A),
        (participant_b, sub_b, TERYT_B),
    ):
        data = page_data(submission, COMPLETE)
        client_for(participant).post(form_url(round_, teryt, tail="submit/"), data)
        assert olga.post(form_url(round_, teryt, tail="approve/")).status_code == 302
    # One computation waits for both approvals, asked for by the system, not a person.
    waiting = Computation.objects.get()
    assert waiting.state == ComputationState.QUEUED and waiting.requested_by is None
    assert "after approving" in waiting.reason


# --- history ------------------------------------------------------------------------------


def test_history_shows_changes_and_steps(round_, sub_a, participant_a, operator):
    client = client_for(participant_a)
    client.post(form_url(round_), page_data(sub_a, {"EDU_EXP": "100"}))
    client.post(form_url(round_), page_data(sub_a, {"EDU_EXP": "150"}))
    client.post(form_url(round_, tail="submit/"), page_data(sub_a, COMPLETE))
    page = client.get(form_url(round_, tail="history/")).text
    assert "100 → 150" in page and "— → 100" in page and "Anna Uczestniczka" in page
    assert "form" in page and "draft → submitted" in page
    assert "Restore" not in page  # participants do not restore
    value_page = client_for(operator).get(form_url(round_, tail="history/EDU_EXP/")).text
    assert "150 → 1,000,000" in value_page and "Restore 150" in value_page
    assert client.get(form_url(round_, tail="history/NOPE/")).status_code == 404


def test_operator_restores_an_earlier_value(round_, sub_a, participant_a, operator):
    save(sub_a, participant_a, {"EDU_EXP": "100"})
    save(sub_a, participant_a, {"EDU_EXP": "150"})
    change = ValueChange.objects.get(new_value=150)
    response = client_for(operator).post(
        form_url(round_, tail=f"restore/{change.pk}/"), {"next": "value"}
    )
    assert response.status_code == 302 and response["Location"].endswith("/history/EDU_EXP/")
    assert stored("EDU_EXP") == 100
    restore = ValueChange.objects.order_by("-pk").first()
    assert restore.restored_from == change and restore.changed_by == operator
    page = client_for(operator).get(form_url(round_, tail="history/")).text
    assert "restored" in page


def test_restore_of_another_units_change_is_404(round_, sub_a, sub_b, participant_b, operator):
    save(sub_b, participant_b, {"EDU_EXP": "100"})
    change = ValueChange.objects.get()
    response = client_for(operator).post(form_url(round_, tail=f"restore/{change.pk}/"))
    assert response.status_code == 404


# --- rounds -------------------------------------------------------------------------------


def round_post(**overrides):
    data = {
        "name": "Oświata 2024",
        "period": "2024",
        "indicator_sets": [],
        "deadline": "31.03.2025",
        "warning_threshold": "25,5",
        "units_by": "teryt",
        "teryt": f"{TERYT_A}\n{TERYT_B}, 9999999 0000000",
    }
    return data | overrides


def test_create_round_reports_unknown_teryt_codes(published, programme, operator, settings):
    settings.LANGUAGE_CODE = "pl"  # a Polish decimal comma and date
    from benchlearn.catalogue.models import IndicatorSet

    sets = [str(IndicatorSet.objects.get(code="SET_EDU").pk)]
    client = client_for(operator)
    response = client.post("/rounds/new/", round_post(indicator_sets=sets))
    assert response.status_code == 400
    assert "9999999, 0000000" in response.text
    assert f"{TERYT_A}\n{TERYT_B}, 9999999 0000000" in response.text  # the input is kept
    assert not Round.objects.exists()
    response = client.post(
        "/rounds/new/", round_post(indicator_sets=sets, teryt=f"{TERYT_A} {TERYT_C}")
    )
    round_ = Round.objects.get()
    assert response["Location"] == f"/rounds/{round_.pk}/"
    assert round_.warning_threshold == Decimal("25.5")
    assert sorted(u.teryt for u in round_.units.all()) == sorted([TERYT_A, TERYT_C])


def test_create_round_from_a_group_and_from_a_filter(published, programme, operator, group):
    from benchlearn.catalogue.models import IndicatorSet

    sets = [str(IndicatorSet.objects.get(code="SET_EDU").pk)]
    client = client_for(operator)
    client.post(
        "/rounds/new/",
        round_post(
            indicator_sets=sets, units_by="group", group=str(group.pk), deadline="2025-03-31"
        ),
    )
    assert Round.objects.get().units.count() == 2
    nothing = client.post("/rounds/new/", round_post(indicator_sets=sets, units_by="filter"))
    assert nothing.status_code == 400 and "Choose a kind of unit" in nothing.text
    client.post(
        "/rounds/new/",
        round_post(
            indicator_sets=sets, units_by="filter", voivodeship="śląskie", deadline="2025-03-31"
        ),
    )
    assert Round.objects.count() == 2


def test_open_and_close_a_round(published, programme, units, operator, participant_a):
    from benchlearn.catalogue.models import IndicatorSet
    from benchlearn.collection.services import round_create

    round_ = round_create(
        user=operator,
        name="Oświata",
        period=PERIOD,
        indicator_sets=IndicatorSet.objects.filter(code="SET_EDU"),
        units=list(units.values()),
        deadline=__import__("datetime").date(2025, 3, 31),
    )
    client = client_for(operator)
    assert "Open the round" in client.get(f"/rounds/{round_.pk}/").text
    # Participants see a round once it is open.
    assert client_for(participant_a).get(f"/rounds/{round_.pk}/").status_code == 404
    client.post(f"/rounds/{round_.pk}/open/")
    round_.refresh_from_db()
    assert round_.state == RoundState.OPEN and round_.submissions.count() == 3
    assert client_for(participant_a).get(f"/rounds/{round_.pk}/").status_code == 200
    client.post(f"/rounds/{round_.pk}/close/")
    round_.refresh_from_db()
    assert round_.state == RoundState.CLOSED
    page = client_for(participant_a).get(form_url(round_)).text
    assert "The round is closed" in page and 'class="values"' not in page


def test_round_page_shows_progress_sorted(round_, sub_a, sub_b, participant_a, operator):
    save(sub_a, participant_a, {"EDU_EXP": "100", "TEACHERS": "20000"})
    client = client_for(operator)
    page = client.get(f"/rounds/{round_.pk}/").text
    assert page.count("0 of 4") == 2 and "2 of 4" in page
    rows = re.findall(
        r'units/(\d{7})/">', client.get(f"/rounds/{round_.pk}/?sort=filled&dir=desc").text
    )
    assert rows[0] == TERYT_A
    errors = client.get(f"/rounds/{round_.pk}/?sort=errors&dir=desc").text
    assert re.findall(r'units/(\d{7})/">', errors)[0] == TERYT_A
    assert '<strong class="bad">1</strong>' in errors  # TEACHERS above its maximum
    # A participant sees only their own unit's row.
    mine = client_for(participant_a).get(f"/rounds/{round_.pk}/").text
    assert re.findall(r'units/(\d{7})/">', mine) == [TERYT_A]


def test_round_list_by_role(round_, programme):
    assert round_.name in client_for(programme["participant_a"]).get("/rounds/").text
    assert round_.name in client_for(programme["operator"]).get("/rounds/").text
    assert round_.name not in client_for(programme["nobody"]).get("/rounds/").text


def test_reminders_go_to_units_not_submitted(
    round_, sub_a, participant_a, operator, programme, tasks_run_at_once
):
    client_for(participant_a).post(form_url(round_, tail="submit/"), page_data(sub_a, COMPLETE))
    mail.outbox.clear()  # the office was told of the submission
    response = client_for(operator).post(f"/rounds/{round_.pk}/remind/", follow=True)
    assert response.status_code == 200
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["bartek@example.org", "obcy@example.org"]  # unit A has submitted
    assert "Reminders sent" in response.text and "2 people of 2 units" in response.text
    assert f"/rounds/{round_.pk}/units/{TERYT_B}/" in mail.outbox[0].body + mail.outbox[1].body


def test_reminders_are_sent_by_a_task_not_by_the_request(round_, operator):
    task_backends["default"].clear()  # the round's opening was told already
    client_for(operator).post(f"/rounds/{round_.pk}/remind/")
    assert mail.outbox == []  # nothing sent while the page answered
    queued = task_backends["default"].results
    assert {q.task.name for q in queued} == {"notification_task"}
    assert [q.args[0] for q in queued] == ["deadline_near"] * 3  # one per unit
    assert sum(q.task.call(*q.args) for q in queued) == 3 and len(mail.outbox) == 3


def test_start_page_lists_forms_and_rounds(round_, participant_a, operator):
    page = client_for(participant_a).get("/").text
    assert "Your forms" in page and form_url(round_) in page
    assert f"/rounds/{round_.pk}/" in client_for(operator).get("/").text


def test_form_and_round_pages_link_the_excel_round_trip(round_, programme, sub_a):
    participant = client_for(programme["participant_a"]).get(form_url(round_)).content.decode()
    assert f"/rounds/{round_.pk}/units/{TERYT_A}/template.xlsx" in participant
    assert f"/rounds/{round_.pk}/units/{TERYT_A}/upload/" in participant
    moderator = client_for(programme["moderator"]).get(form_url(round_)).content.decode()
    assert "template.xlsx" in moderator and f"/units/{TERYT_A}/upload/" not in moderator
    operator = client_for(programme["operator"]).get(f"/rounds/{round_.pk}/").content.decode()
    for tail in ("workbook.xlsx", "values.csv", "upload/"):
        assert f"/rounds/{round_.pk}/{tail}" in operator


def test_years_are_written_without_a_thousands_separator(round_, programme, sub_a):
    client = client_for(programme["operator"])
    client.cookies["django_language"] = "pl"
    for url in (form_url(round_), f"/rounds/{round_.pk}/", "/rounds/"):
        page = client.get(url)
        assert page.status_code == 200, url
        text = page.content.decode()
        assert str(PERIOD) in text, url
        assert f"{str(PERIOD)[0]}\u00a0{str(PERIOD)[1:]}" not in text, url
        assert f"{str(PERIOD)[0]} {str(PERIOD)[1:]}" not in text, url


def test_unit_page_lists_the_rounds_the_unit_takes_part_in(round_, programme, sub_a):
    page = client_for(programme["participant_a"]).get(f"/units/{TERYT_A}/").content.decode()
    assert round_.name in page
    assert form_url(round_) in page
    # The participant of unit C sees the same round on their unit's page, with their form.
    other = client_for(programme["stranger"]).get(f"/units/{TERYT_C}/").content.decode()
    assert form_url(round_, TERYT_C) in other and form_url(round_) not in other


def test_unit_page_lists_no_round_of_a_later_draft_to_participants(
    published, programme, units, operator
):
    from benchlearn.catalogue.models import IndicatorSet
    from benchlearn.collection.services import round_create
    from tests.collection.conftest import DEADLINE

    draft = round_create(
        user=operator,
        name="Przygotowywana runda",
        period=PERIOD + 1,
        indicator_sets=IndicatorSet.objects.filter(code="SET_EDU"),
        units=[units["a"]],
        deadline=DEADLINE,
    )
    assert draft.state == RoundState.DRAFT
    page = client_for(programme["participant_a"]).get(f"/units/{TERYT_A}/").content.decode()
    assert draft.name not in page
