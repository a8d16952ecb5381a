"""Each kind of notification reaches the right people only, by a task (never inside the
request), as each person's preferences say; checked through the outbox."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks import task_backends

from benchlearn.catalogue.models import IndicatorSet
from benchlearn.collection.notices import deadline_near_task, deadlines_near_notify
from benchlearn.collection.services import round_create, round_open
from benchlearn.groups.services import programme_create
from benchlearn.notifications.models import Notification
from benchlearn.notifications.services import notify, preferences_set
from benchlearn.results.services import computation_request, computation_run
from tests.collection.conftest import DEADLINE, make_round
from tests.collection.test_views import page_data
from tests.conftest import TERYT_A, client_for
from tests.notifications.conftest import COMPLETE, deliver, forget, queued_notifications
from tests.results.conftest import computed_programme  # noqa: F401 - fixture


def form_url(round_, tail=""):
    return f"/rounds/{round_.pk}/units/{TERYT_A}/{tail}"


def submit(client, sub):
    return client.post(form_url(sub.round, "submit/"), page_data(sub, COMPLETE))


def test_opening_a_round_tells_the_units_teams(published, programme, units, operator):
    forget()
    make_round(operator, [units["a"], units["b"]])
    assert mail.outbox == []  # queued, not sent
    sent = deliver()
    assert sorted(to[0] for _subject, to in sent) == ["anna@example.org", "bartek@example.org"]
    assert all(subject == "New collection round: Oświata 2024" for subject, _to in sent)
    # The moderator, the office and unit C's participant are not told.


def test_submitting_tells_the_reviewers_only_and_not_inside_the_request(
    round_, sub_a, participant_a, colleague_a, operator
):
    forget()
    response = submit(client_for(participant_a), sub_a)
    assert response.status_code == 302
    assert mail.outbox == []  # the request sent nothing
    ((kind, recipients, _params, _link, _key),) = [q.args for q in queued_notifications()]
    assert kind == "submission_submitted" and recipients == [operator.pk]
    sent = deliver()
    assert sent == [("Submitted: Bielsko-Biała, Oświata 2024", ["biuro@example.org"])]
    assert "Anna Uczestniczka submitted the data of Bielsko-Biała" in mail.outbox[0].body
    assert f"http://localhost:8000{form_url(round_)}" in mail.outbox[0].body


def test_moderators_who_review_are_told_of_submissions_too(
    round_, sub_a, participant_a, group, moderator, operator
):
    group.programme = programme_create(
        name="Program 2026–2027", first_year=2026, last_year=2027, moderators_review=True
    )
    group.save(update_fields=["programme"])
    forget()
    submit(client_for(participant_a), sub_a)
    recipients = sorted(to[0] for _s, to in deliver())
    assert recipients == ["biuro@example.org", "moderator@example.org"]


def test_returning_and_approving_tell_the_units_team(
    round_, sub_a, participant_a, colleague_a, participant_b, operator
):
    anna, olga = client_for(participant_a), client_for(operator)
    submit(anna, sub_a)
    forget()
    olga.post(form_url(round_, "return/"), {"c-TEACHERS": "Sprawdź liczbę etatów"})
    assert mail.outbox == []
    sent = deliver()
    team = ["anna@example.org", "celina@example.org"]
    assert sorted(to[0] for _s, to in sent) == team
    assert {s for s, _to in sent} == {"Returned for correction: Bielsko-Biała, Oświata 2024"}
    submit(anna, sub_a)
    forget()
    olga.post(form_url(round_, "approve/"))
    sent = deliver()
    assert sorted(to[0] for _s, to in sent) == team
    assert {s for s, _to in sent} == {"Approved: Bielsko-Biała, Oświata 2024"}


def test_a_kind_switched_off_is_not_sent(round_, sub_a, participant_a, colleague_a, operator):
    preferences_set(user=colleague_a, chosen={"submission_returned": (False, True)})
    preferences_set(user=participant_a, chosen={"submission_returned": (False, False)})
    submit(client_for(participant_a), sub_a)
    forget()
    client_for(operator).post(form_url(round_, "return/"), {"c-TEACHERS": "Popraw"})
    assert deliver() == []  # nobody wants it by e-mail
    # Celina still sees it in her list; Anna switched it off altogether.
    assert Notification.objects.get(kind="submission_returned").recipient == colleague_a
    assert not Notification.objects.filter(recipient=participant_a, shown=True).exists()


def test_deadline_near_goes_once_to_units_that_have_not_submitted(
    round_, sub_a, participant_a, participant_b, stranger, settings
):
    submit(client_for(participant_a), sub_a)
    forget()
    today = DEADLINE - datetime.timedelta(days=3)
    assert deadlines_near_notify(today) == 1
    sent = deliver()
    assert sorted(to[0] for _s, to in sent) == ["bartek@example.org", "obcy@example.org"]
    assert all(s.startswith("Reminder: Oświata 2024") for s, _to in sent)
    deadlines_near_notify(today)  # the next day's run: told already
    assert deliver() == []
    # Too early: nothing.
    assert deadlines_near_notify(DEADLINE - datetime.timedelta(days=30)) == 0


def test_opening_a_round_schedules_its_deadline_reminder(published, programme, units, operator):
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    round_ = round_create(
        user=operator,
        name="Oświata 2025",
        period=2025,
        indicator_sets=IndicatorSet.objects.filter(code="SET_EDU"),
        units=[units["a"]],
        deadline=deadline,
    )
    round_open(round_=round_, user=operator)
    (scheduled,) = [
        r for r in task_backends["default"].results if r.task.name == "deadline_near_task"
    ]
    assert scheduled.args == [round_.pk]
    assert scheduled.task.run_after.date() == deadline - datetime.timedelta(days=7)


def test_the_scheduled_reminder_tells_the_waiting_units(round_, participant_b):
    forget()
    round_.deadline = timezone.localdate() + datetime.timedelta(days=2)
    round_.save(update_fields=["deadline"])
    deadline_near_task.call(round_.pk)
    assert "bartek@example.org" in [to[0] for _s, to in deliver()]


def test_notify_deadlines_command(round_, participant_b):
    forget()
    round_.deadline = timezone.localdate() + datetime.timedelta(days=1)
    round_.save(update_fields=["deadline"])
    call_command("notify-deadlines")
    assert "bartek@example.org" in [to[0] for _s, to in deliver()]


def test_new_results_tell_the_participants_once_until_read(
    computed_programme,  # noqa: F811 - fixture
    participant_a,
    participant_b,
    moderator,
    operator,
):
    forget()
    computation_run(computation_request(user=operator).pk)
    sent = deliver()
    recipients = sorted(to[0] for _s, to in sent)
    assert "anna@example.org" in recipients and "bartek@example.org" in recipients
    assert "moderator@example.org" not in recipients and "biuro@example.org" not in recipients
    assert {s for s, _to in sent} == {"New results are ready"}
    computation_run(computation_request(user=operator).pk)
    assert deliver() == []  # the first one is still unread
    Notification.objects.filter(recipient=participant_a).update(read_at=timezone.now())
    computation_run(computation_request(user=operator).pk)
    assert [to[0] for _s, to in deliver()] == ["anna@example.org"]


def test_an_unknown_kind_fails_in_the_caller(participant_a):
    with pytest.raises(ValueError, match="unknown notification kind"):
        notify(kind="no_such_kind", recipients=[participant_a], params={})


def test_inactive_people_are_not_told(participant_a, colleague_a):
    colleague_a.is_active = False
    colleague_a.save(update_fields=["is_active"])
    forget()
    notify(kind="results_new", recipients=[participant_a, colleague_a], params={"year": "2024"})
    assert [to for _s, to in deliver()] == [["anna@example.org"]]
