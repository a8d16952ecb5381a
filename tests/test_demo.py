"""`benchlearn demo`: a believable programme with one account per role, approved data
from 2021, last year's rounds open with most values in, a DEA model per domain with
data, and results computed from them; both exchange groups in their first cycle (seats,
organisational forms, three meetings held and five ahead), with their improvement plans
(adopted and reported on in one group, drafts and plans in review in the other).

The demo takes seconds to build: it is built once for this module, in a transaction
undone after its last test (each test runs in a savepoint of it, as usual).
"""

import datetime
import itertools
import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import connection, transaction
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from benchlearn.accounts.access import roles_of
from benchlearn.accounts.models import User
from benchlearn.board.models import Post, Thread
from benchlearn.catalogue.models import Domain, IndicatorVersion, ValidationRule
from benchlearn.collection.models import (
    Round,
    RoundState,
    Submission,
    SubmissionEvent,
    SubmissionState,
    Value,
    ValueChange,
)
from benchlearn.collection.pages import round_rows
from benchlearn.collection.selectors import (
    round_set_versions,
    round_variables,
    submission_variables,
)
from benchlearn.collection.validation import submission_check
from benchlearn.competencies.models import (
    MIN_PEOPLE,
    Assessment,
    CompetencyScheme,
    DevelopmentGoal,
    Rating,
    Role,
    Stage,
    Training,
)
from benchlearn.delivery.models import Delivery, DeliveryChange
from benchlearn.demo.build import (
    COUNTY_GROUP,
    DEMO_PASSWORD,
    HEALTH_GROUP,
    MODERATORS,
    OPERATOR,
    PARTICIPANTS,
    AccountShown,
    demo_build,
    demo_units,
)
from benchlearn.demo.county import COUNTY, PLANTED
from benchlearn.demo.cycle import meeting_dates
from benchlearn.demo.cycle_stories import DOMAINS, INVITED, LEFT, SEAT_PEOPLE
from benchlearn.demo.finance import FINANCE
from benchlearn.demo.health import HEALTH_GMINAS
from benchlearn.demo.history import FIRST_YEAR, OPEN_YEAR
from benchlearn.demo.plans import ADOPTED_GROUP, YEAR_ONE_GROUP
from benchlearn.engine.competencies import RatingRow, summarise
from benchlearn.engine.dea import min_units
from benchlearn.engine.formula import parse, references
from benchlearn.engine.io.catalogue_yaml import read_default_catalogue
from benchlearn.engine.rules import rule_failures
from benchlearn.groups.models import ExchangeGroup, SeatEnd, SeatHolding, SeatInvitation
from benchlearn.meetings.models import (
    ActionItem,
    ActionKind,
    ActionState,
    Attendance,
    Meeting,
    MeetingState,
    MinutesState,
)
from benchlearn.notifications.models import Notification
from benchlearn.notifications.tasks import notification_task
from benchlearn.plans.effects import plan_effects
from benchlearn.plans.models import (
    ActionIndicator,
    ActionStatus,
    Plan,
    PlanState,
    PlanVersion,
    ProgressReport,
)
from benchlearn.results.models import (
    Computation,
    ComputationState,
    EfficiencyModel,
    EfficiencyScore,
    Result,
)
from benchlearn.surveys.answering import choice_codes, is_shown
from benchlearn.surveys.margins import MARGIN_CODES, MARGIN_VARIABLES
from benchlearn.surveys.models import (
    DONT_KNOW,
    QuestionKind,
    Questionnaire,
    QuestionnaireVersion,
    QuestionRole,
    Response,
    Survey,
    SurveyState,
)
from benchlearn.surveys.questionnaires import read_questionnaires
from benchlearn.surveys.results import survey_results
from benchlearn.units.models import ContextValue, ContextValueChange, Level, Unit, UnitMembership
from tests.conftest import client_for
from tests.notifications.test_start_links import links


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker):
    """What `benchlearn demo` printed; the demo stays in the database for the module."""
    # Built as `make demo` builds it: tasks go to the database queue its worker reads.
    queue = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_db_blocker.unblock(), override_settings(TASKS=queue), transaction.atomic():
        out = StringIO()
        call_command("demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def test_demo_creates_a_programme_and_prints_accounts_for_every_role(db, printed):
    assert DEMO_PASSWORD in printed
    for role in ("operator", "moderator", "participant"):
        assert role in printed

    assert Unit.objects.count() > 2800
    # The default catalogue, published, and the public statistics of every gmina.
    assert Domain.objects.count() >= 6
    assert IndicatorVersion.objects.filter(published_at__isnull=False).count() >= 60
    bestwina = Unit.objects.get(teryt="2402022")
    population = ContextValue.objects.get(unit=bestwina, variable__code="POP", year=2018)
    assert 10_000 < population.value < 13_000
    # Last year's rounds are open, with a form for every unit of the domain, most of
    # them approved, and the demo participants' units with drafts to submit.
    for name in ("Oświata", "Gospodarka odpadami"):
        current = Round.objects.get(name__startswith=name, state=RoundState.OPEN)
        assert current.period == OPEN_YEAR
        assert current.submissions.count() == 30
        approved = current.submissions.filter(state=SubmissionState.APPROVED).count()
        assert approved > 15
        units = current.submissions.values("unit")
        entered = Value.objects.filter(period=OPEN_YEAR, unit__in=units, value__isnull=False)
        assert entered.values("unit").distinct().count() == 30
    education = Round.objects.get(name__startswith="Oświata", state=RoundState.OPEN)
    mine = education.submissions.get(unit__teryt="2461011")
    assert mine.state == SubmissionState.DRAFT
    assert ExchangeGroup.objects.count() == 4
    assert all(group.units.count() >= 6 for group in _cycle_groups())
    levels = set(UnitMembership.objects.values_list("level", flat=True))
    assert levels == set(Level.values)
    # Participants act for several units, in more than one group.
    assert UnitMembership.objects.values("unit").distinct().count() >= 4

    request = RequestFactory().post("/accounts/login/")
    for email in ("biuro@example.org", "moderator@example.org", "prezydent@example.org"):
        assert email in printed
        user = authenticate(request, username=email, password=DEMO_PASSWORD)
        assert user is not None, email
    assert roles_of(User.objects.get(email="biuro@example.org")).operator
    assert roles_of(User.objects.get(email="moderator@example.org")).moderator
    assert roles_of(User.objects.get(email="prezydent@example.org")).participant


def test_demo_prints_each_accounts_unit_level_and_groups(db, printed):
    assert "prezydent@example.org" in printed
    block = printed[printed.index("prezydent@example.org") :].split("naczelnik@")[0]
    assert "Bielsko-Biała" in block and "strategiczny (kierownictwo)" in block
    assert "GWD Oświata — miasta na prawach powiatu" in block
    moderator = printed[printed.index("moderatorka@example.org") :].split("prezydent@")[0]
    assert "GWD Gospodarka odpadami — gminy wiejskie" in moderator


def test_demo_has_every_year_from_2021_without_a_hole(db, printed):
    for name in ("Oświata", "Gospodarka odpadami"):
        rounds = Round.objects.filter(name__startswith=f"{name} — dane za").order_by("period")
        assert [r.period for r in rounds] == list(range(2021, OPEN_YEAR))
        for past in rounds:
            assert past.state == RoundState.CLOSED
            states = set(past.submissions.values_list("state", flat=True))
            assert states == {SubmissionState.APPROVED}
            assert past.submissions.count() == 30
    # The education group's cities are among them; the demo participants submitted.
    bielsko = Submission.objects.get(round__name="Oświata — dane za 2022 r.", unit__teryt="2461011")
    assert bielsko.submitted_by.email == "szkoly@example.org"
    # Values that the checks warned about were explained before submission.
    assert Value.objects.filter(period=2023).exclude(comment="").exists()
    computation = Computation.objects.get(state=ComputationState.DONE)
    assert (computation.first_period, computation.last_period) == (2021, OPEN_YEAR)
    assert computation.units == 61  # the 60 cities and gminas, and the county
    periods = set(Result.objects.values_list("period", flat=True).distinct())
    assert periods == set(range(2021, OPEN_YEAR + 1))


def test_every_domain_with_data_has_a_dea_model_with_scores_every_year(db, printed):
    computation = Computation.objects.get(state=ComputationState.DONE)
    models = {m.domain.code: m for m in EfficiencyModel.objects.select_related("domain")}
    assert set(models) == {"EDU", "WST"}
    for model in models.values():
        for year in range(2021, OPEN_YEAR + 1):
            scored = EfficiencyScore.objects.filter(
                computation=computation, model=model, period=year, score__isnull=False
            )
            needed = min_units(len(model.inputs), len(model.outputs))
            assert scored.count() >= needed, (model.code, year)
            # Scores that discriminate: most units are off the frontier.
            assert scored.filter(efficient=True).count() <= scored.count() // 3


def test_the_demo_participant_sees_efficiency_scores(db, printed):
    account, teryt, _level = PARTICIPANTS[0]
    client = client_for(User.objects.get(email=account.email))
    dashboard = client.get(f"/units/{teryt}/results/").content.decode()
    assert "/efficiency/oswiata-koszt/" in dashboard
    assert "/efficiency/odpady-koszt/" not in dashboard  # a city has no waste data
    html = client.get(f"/units/{teryt}/efficiency/oswiata-koszt/?group=all").content.decode()
    assert "Your unit's efficiency:" in html
    assert 'id="efficiency-table"' in html and "No efficiency is shown" not in html
    assert client.get(f"/units/{teryt}/efficiency/odpady-koszt/").status_code == 404
    # Last year's data of the unit are still a draft: the page leads to the year before.
    last = client.get(f"/units/{teryt}/efficiency/oswiata-koszt/?year={OPEN_YEAR}")
    assert "Your unit has no data for this model in this year." in last.content.decode()
    assert f"year={OPEN_YEAR - 1}" in last.content.decode()


def _rank(html: str, code: str) -> tuple[int, int]:
    """The "rank of n" cell of an indicator's row on a dashboard."""
    row = html[html.index(f"/results/{code}/") :]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row[: row.index("</tr>")], re.S)
    found = re.fullmatch(r"(\d+) of (\d+)", re.sub(r"<[^>]+>", "", cells[3]).strip())
    assert found is not None, cells
    return int(found[1]), int(found[2])


def test_the_demo_participant_sees_the_rank_of_their_city(db, printed):
    account, teryt, _level = PARTICIPANTS[0]
    client = client_for(User.objects.get(email=account.email))
    # First offered: the exchange group of eight cities.
    response = client.get(f"/units/{teryt}/results/")
    assert response.status_code == 200
    rank, n = _rank(response.content.decode(), "EDU_EXAM_MATH_GAP")
    assert n == 8 and 1 <= rank <= n
    # Against all units: the thirty cities with education data.
    html = client.get(f"/units/{teryt}/results/?group=all&year=2023").content.decode()
    rank, n = _rank(html, "EDU_EXAM_MATH_GAP")
    assert n == 30 and 1 <= rank <= n


def test_demo_loads_the_shipped_questionnaires_of_every_domain(db, printed):
    shipped = Questionnaire.objects.filter(shipped=True, code__endswith="_SATISFACTION")
    # one per domain with survey variables: the main file's 7 and each part's (health)
    assert shipped.count() == len(read_questionnaires()) >= 8
    assert not shipped.filter(domain__isnull=True).exists()


def test_demo_runs_twice_without_duplicates(db, printed):
    def counts():
        return (
            User.objects.count(),
            ExchangeGroup.objects.count(),
            UnitMembership.objects.count(),
            IndicatorVersion.objects.count(),
            ContextValue.objects.count(),
            ContextValueChange.objects.count(),
            Round.objects.count(),
            Submission.objects.count(),
            SubmissionEvent.objects.count(),
            Value.objects.count(),
            ValueChange.objects.count(),
            Computation.objects.count(),
            Result.objects.count(),
            SeatHolding.objects.count(),
            SeatInvitation.objects.count(),
            Delivery.objects.count(),
            DeliveryChange.objects.count(),
            Meeting.objects.count(),
            Attendance.objects.count(),
            ActionItem.objects.count(),
            Notification.objects.count(),
            Thread.objects.count(),
            Post.objects.count(),
            Plan.objects.count(),
            ActionIndicator.objects.count(),
            ProgressReport.objects.count(),
            QuestionnaireVersion.objects.count(),
            Assessment.objects.count(),
            Rating.objects.count(),
            DevelopmentGoal.objects.count(),
            Training.objects.count(),
        )

    before = counts()
    demo_build()
    assert counts() == before


def test_demo_reset_empties_the_database_first(db, printed, monkeypatch):
    User.objects.create_user(email="stray@example.org", full_name="Someone Else")
    # The build itself is the one above; here only what --reset adds is checked.
    monkeypatch.setattr(
        "benchlearn.demo.management.commands.demo.demo_build",
        lambda: [AccountShown(OPERATOR, "", "", [])],
    )
    if connection.vendor == "postgresql":
        # Outside a test the flush is a transaction of its own; inside the test's, the
        # deferred foreign key checks of the rows above must run before TRUNCATE.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    out = StringIO()
    call_command("demo", "--reset", stdout=out)
    assert "The database was emptied." in out.getvalue()
    assert not User.objects.exists()
    assert not Round.objects.exists()


# --- the groups' first cycle -----------------------------------------------------------


def _cycle_groups():
    """The groups in their first cycle (the county and health groups wait for the next)."""
    return ExchangeGroup.objects.filter(name__in=DOMAINS)


def test_both_groups_have_held_three_meetings_and_planned_five(db, printed):
    today = timezone.localdate()
    for group in _cycle_groups():
        meetings = list(group.meetings.order_by("number"))
        # Created so: the group's history changes neither its service nor its cycle.
        for change in group.changes.filter(kind="updated"):
            assert not {"domain", "cycle_start"} & set(change.changes), change.changes
        assert [m.number for m in meetings] == list(range(1, 9))
        assert all(group.cycle_start <= m.date.year <= group.cycle_end for m in meetings)
        held, planned = meetings[:3], meetings[3:]
        assert all(m.date < today for m in held) and all(m.date > today for m in planned)
        members = group.units.count()
        hosts = [m.host_id for m in meetings]
        assert len(set(hosts)) == len(hosts)  # every member hosts once before any twice
        for meeting in held:
            assert meeting.state == MeetingState.HELD
            assert meeting.minutes_state == MinutesState.PUBLISHED
            assert meeting.host.name in meeting.minutes and meeting.practice_title
            assert meeting.minutes_published_at.date() > meeting.date
            rows = meeting.attendance.all()
            assert rows.count() == members * 3
            present = rows.filter(present=True)
            assert members <= present.count() < members * 3
            # The host's people all came; where a seat has a person, it is recorded.
            assert present.filter(unit=meeting.host).count() == 3
            assert rows.filter(person__isnull=False).exists()
            assert meeting.actions.filter(kind=ActionKind.DECISION).exists()
            assert meeting.actions.filter(kind=ActionKind.ACTION, owner__isnull=False).count() == 2
        for meeting in planned:
            assert meeting.state == MeetingState.PLANNED
            assert meeting.minutes_state == MinutesState.DRAFT
            assert not meeting.attendance.exists() and not meeting.actions.exists()
        # The next meeting is prepared: its host's practice named, invitations sent.
        assert planned[0].practice_title and planned[0].invited_at is not None
        assert all(m.invited_at is None for m in planned[1:])
        # Some action items are done, some still open (one of them overdue).
        actions = ActionItem.objects.filter(meeting__group=group, kind=ActionKind.ACTION)
        assert actions.filter(status=ActionState.DONE).exists()
        assert actions.filter(status=ActionState.OPEN, due__lt=today).exists()
        assert actions.filter(status=ActionState.OPEN, due__gte=today).exists()
        # The members were told of the minutes.
        told = Notification.objects.filter(kind="minutes_published", link__contains=f"/{group.pk}/")
        assert told.count() >= 3


@pytest.mark.parametrize(
    "today",
    [
        datetime.date(2027, 1, 2),
        datetime.date(2026, 7, 2),
        datetime.date(2026, 6, 30),
        datetime.date(2028, 12, 31),
        datetime.date(2025, 3, 15),
    ],
)
def test_the_meetings_fit_the_cycle_whatever_day_the_demo_is_built(today):
    dates = meeting_dates(today)
    years = {day.year for day in dates}
    assert max(years) - min(years) <= 1
    assert all(day < today for day in dates[:3]) and all(day > today for day in dates[3:])
    assert all(day.weekday() < 5 for day in dates)
    gaps = [(b - a).days for a, b in itertools.pairwise(dates)]
    assert min(gaps) >= 30 and max(gaps) <= 100


def test_every_member_has_its_organisational_forms_for_the_groups_service(db, printed):
    for group in _cycle_groups():
        assert group.domain is not None
        for unit in group.units.all():
            for year in range(FIRST_YEAR, OPEN_YEAR + 1):
                delivery = Delivery.objects.get(unit=unit, domain=group.domain, period=year)
                shares = delivery.shares.all()
                assert shares.exists() and sum(s.share for s in shares) <= 100
    # A variety of forms, and one gmina that changed its form (its history shows it).
    waste = Delivery.objects.filter(domain__code="WST", period=OPEN_YEAR)
    assert len(set(waste.values_list("shares__form", flat=True))) >= 4
    jasienica = Delivery.objects.filter(unit__teryt="2402052", domain__code="WST")
    assert {d.shares.get().form for d in jasienica} == {"department", "union"}


def test_each_group_talks_on_its_board_under_the_moderators_pinned_announcement(db, printed):
    today = timezone.localdate()
    for group in _cycle_groups():
        threads = group.board_threads.all()
        assert threads.count() >= 3
        pinned = threads.get(announcement=True)
        assert pinned.created_by == group.moderator
        assert threads.filter(posts__author__isnull=False).distinct().count() == threads.count()
        replied = [t for t in threads if t.posts.count() > 1]
        assert len(replied) >= 2
        for thread in threads:
            times = [p.created_at for p in thread.posts.order_by("pk")]
            assert times == sorted(times) and times[-1].date() < today
            assert thread.last_post_at == times[-1]
        # The people of the group are its authors (and were told of the posts).
        authors = Post.objects.filter(thread__group=group).values("author")
        people = group.units.values("memberships__user")
        assert set(authors.values_list("author", flat=True)) <= {
            *people.values_list("memberships__user", flat=True),
            group.moderator_id,
        }
        assert Notification.objects.filter(kind="board_post", link__contains=f"/{group.pk}/board/")
    # The board opens with the announcement first, as a participant sees it.
    group = ExchangeGroup.objects.get(name=YEAR_ONE_GROUP)
    board = client_for(User.objects.get(email="wojt@example.org")).get(f"/groups/{group.pk}/board/")
    pinned = group.board_threads.get(announcement=True)
    assert board.status_code == 200 and pinned.title in board.text
    others = group.board_threads.filter(announcement=False)
    assert all(board.text.index(pinned.title) < board.text.index(t.title) for t in others)


def test_the_seats_are_filled_by_the_demo_people_one_empty_and_invited(db, printed):
    # (The county's clerk has no seat: the county group's cycle has not begun.)
    people = [(p.email, t, lv) for p, t, lv in PARTICIPANTS if t != COUNTY]
    people += [(p.email, p.teryt, p.level) for p in SEAT_PEOPLE]
    for email, teryt, level in people:
        holding = SeatHolding.objects.get(user__email=email, unit__teryt=teryt, level=level)
        assert holding.is_open
        assert holding.started_at.date() < holding.group.meetings.get(number=1).date
    # Three seats in every unit where the demo has people, except the one invited into.
    for teryt in {t for _e, t, _l in people}:
        open_seats = SeatHolding.objects.filter(unit__teryt=teryt, ended_at__isnull=True)
        expected = 2 if teryt == INVITED.teryt else 3
        assert open_seats.count() == expected, teryt
    assert not SeatHolding.objects.filter(
        unit__teryt=INVITED.teryt, level=INVITED.level, ended_at__isnull=True
    ).exists()
    invitation = SeatInvitation.objects.get(email=INVITED.email)
    assert invitation.is_pending
    assert (invitation.unit.teryt, invitation.level) == (INVITED.teryt, INVITED.level)
    # A seat whose first holder left keeps them in its history.
    gone = SeatHolding.objects.get(user__email=LEFT.email)
    assert gone.end_reason == SeatEnd.LEFT and gone.ended_at is not None
    successor = SeatHolding.objects.get(unit__teryt=LEFT.teryt, level=LEFT.level, ended_at=None)
    assert successor.started_at >= gone.ended_at
    # Every account that sits in a seat is printed, and can log in.
    request = RequestFactory().post("/accounts/login/")
    for person in SEAT_PEOPLE:
        assert person.email in printed
        assert authenticate(request, username=person.email, password=DEMO_PASSWORD)
    assert LEFT.email not in printed


WALKERS = [
    OPERATOR.email,
    *(m.email for m in MODERATORS),
    "prezydent@example.org",
    "wojt@example.org",
    SEAT_PEOPLE[0].email,
]


def _group_pages(user: User, group: ExchangeGroup) -> list[str]:
    managed = user.is_operator or group.moderator_id == user.pk
    office = [reverse("programme-report", args=[group.programme_id])] if user.is_operator else []
    return [
        *([reverse("group-workspace", args=[group.pk])] if managed else []),
        *office,
        reverse("group-detail", args=[group.pk]),
        reverse("group-seats", args=[group.pk]),
        reverse("meeting-list", args=[group.pk]),
        *(reverse("meeting-detail", args=[group.pk, n]) for n in _numbers(group)),
        reverse("board", args=[group.pk]),
        *(reverse("board-thread", args=[group.pk, t.pk]) for t in group.board_threads.all()),
    ]


@pytest.mark.parametrize("email", WALKERS)
def test_the_cycles_pages_open_for_the_demo_accounts_and_lead_nowhere_refused(db, printed, email):
    user = User.objects.get(email=email)
    client = client_for(user)
    mine = [g for g in ExchangeGroup.objects.all() if _sees(user, g)]
    assert mine
    opened: set[str] = set()
    refused = []
    for group in mine:
        for page in _group_pages(user, group):
            response = client.get(page)
            assert response.status_code == 200, page
            opened.add(page)
            for link in links(response.text, page):
                path = urlsplit(link).path
                if link in opened or "/logout" in path or not path.startswith("/groups/"):
                    continue
                opened.add(link)
                status = client.get(link).status_code
                if status >= 400:
                    refused.append(f"{link} (from {page}): {status}")
    assert not refused, "\n".join(refused)
    for group in ExchangeGroup.objects.exclude(pk__in=[g.pk for g in mine]):
        assert client.get(reverse("meeting-detail", args=[group.pk, 1])).status_code == 404


def _sees(user: User, group: ExchangeGroup) -> bool:
    return (
        user.is_operator
        or group.moderator_id == user.pk
        or group.units.filter(memberships__user=user).exists()
    )


def _numbers(group: ExchangeGroup) -> list[int]:
    return list(group.meetings.order_by("number").values_list("number", flat=True))


def test_the_workspace_and_the_programme_report_show_the_cycle(db, printed):
    group = ExchangeGroup.objects.get(name=ADOPTED_GROUP)
    moderator = client_for(group.moderator)
    workspace = moderator.get(reverse("group-workspace", args=[group.pk]))
    assert workspace.status_code == 200
    # The next meeting, its host, and an open action item with its owner.
    upcoming = group.meetings.get(number=4)
    assert upcoming.host.name in workspace.text
    assert "Przygotować szkic planu usprawnień" in workspace.text
    office = client_for(User.objects.get(email=OPERATOR.email))
    report = office.get(reverse("programme-report", args=[group.programme_id]))
    assert report.status_code == 200 and group.name in report.text


def test_a_participant_reads_the_published_minutes_and_the_seat_table(db, printed):
    client = client_for(User.objects.get(email="prezydent@example.org"))
    group = ExchangeGroup.objects.get(name=ADOPTED_GROUP)
    first = client.get(reverse("meeting-detail", args=[group.pk, 1])).text
    assert "Centrum Usług Wspólnych" in first and "Ustalenia" in first
    seats = client.get(reverse("group-seats", args=[group.pk])).text
    assert "Jan Kowalski" in seats and "Krzysztof Wieczorek" in seats
    moderator = client_for(User.objects.get(email="moderatorka@example.org"))
    waste = ExchangeGroup.objects.get(name=YEAR_ONE_GROUP, units__teryt=INVITED.teryt)
    table = moderator.get(reverse("group-seats", args=[waste.pk])).text
    assert INVITED.email in table


def test_every_unit_of_one_group_has_an_adopted_plan_with_progress_reports(db, printed):
    group = ExchangeGroup.objects.get(name=ADOPTED_GROUP)
    plans = Plan.objects.filter(group=group, cycle_start=group.cycle_start)
    assert sorted(plans.values_list("unit_id", flat=True)) == sorted(
        group.units.values_list("pk", flat=True)
    )
    assert set(plans.values_list("state", flat=True)) == {PlanState.ADOPTED}
    assert PlanVersion.objects.filter(plan__in=plans, number=1).count() == plans.count()
    computation = Computation.objects.filter(state=ComputationState.DONE).latest("pk")
    for plan in plans:
        assert plan.adopted_at is not None and plan.adopted_at < timezone.now()
        actions = list(plan.actions.all())
        assert actions
        for action in actions:
            reports = ProgressReport.objects.filter(action=action)
            assert reports.count() == 1
            assert action.status in (ActionStatus.IN_PROGRESS, ActionStatus.DONE)
            assert action.status == reports.get().status
            for target in action.indicators.all():
                # The baseline is a stored result, and a later one exists: "did it
                # work" has something to measure.
                stored = Result.objects.get(
                    computation=computation,
                    unit=plan.unit,
                    indicator__code=target.indicator_code,
                    period=target.baseline_year,
                )
                assert target.baseline == stored.value
                assert Result.objects.filter(
                    computation=computation,
                    unit=plan.unit,
                    indicator__code=target.indicator_code,
                    period__gt=target.baseline_year,
                    value__isnull=False,
                ).exists()
    done = ProgressReport.objects.filter(action__plan__in=plans, status=ActionStatus.DONE)
    assert (
        done.exists()
        and done.count() < ProgressReport.objects.filter(action__plan__in=plans).count()
    )
    # The teams were told of the adoption.
    assert Notification.objects.filter(kind="plan_adopted").exists()


def test_the_adopted_plans_measure_what_their_actions_achieved(db, printed):
    team = User.objects.get(email="naczelnik@example.org")
    for plan in Plan.objects.filter(group__name=ADOPTED_GROUP):
        effects = plan_effects(team, plan, charts=False)
        rows = [row for item in effects.actions for row in item.indicators]
        assert rows and all(row.measured for row in rows), plan
        assert all(row.difference is not None for row in rows)
    plan = Plan.objects.get(group__name=ADOPTED_GROUP, unit__teryt="2461011")
    page = client_for(team).get(reverse("plan-detail", args=[plan.pk]))
    assert page.status_code == 200
    assert plan.actions.first().title in page.text and "Did it work?" in page.text


def test_the_other_group_is_at_the_end_of_year_one_with_drafts_and_plans_in_review(db, printed):
    group = ExchangeGroup.objects.get(name=YEAR_ONE_GROUP)
    plans = Plan.objects.filter(group=group, cycle_start=group.cycle_start)
    assert plans.count() == group.units.count()
    states = list(plans.values_list("state", flat=True))
    assert set(states) == {PlanState.DRAFT, PlanState.IN_REVIEW}
    assert states.count(PlanState.DRAFT) >= 2 and states.count(PlanState.IN_REVIEW) >= 2
    assert all(plan.actions.exists() for plan in plans)
    assert not ProgressReport.objects.filter(action__plan__in=plans).exists()
    # The moderator has begun reviewing: a comment on an action of a plan in review.
    reviewed = plans.filter(state=PlanState.IN_REVIEW, actions__comments__isnull=False)
    assert reviewed.exists()
    # The team of a draft reads it; the rest of the group does not.
    wojt = User.objects.get(email="wojt@example.org")
    own = plans.get(unit__teryt="2402022")
    assert client_for(wojt).get(reverse("plan-detail", args=[own.pk])).status_code == 200
    other = plans.exclude(unit__teryt="2402022").exclude(unit__memberships__user=wojt).first()
    assert client_for(wojt).get(reverse("plan-detail", args=[other.pk])).status_code == 404


def test_the_demo_has_a_closed_survey_per_group_and_an_open_one_with_a_link(db, printed):
    from benchlearn.surveys.office import open_link

    closed = Survey.objects.filter(state=SurveyState.CLOSED, period=OPEN_YEAR)
    groups = _cycle_groups()
    assert closed.count() == groups.count() == 2
    for survey in closed:
        group = groups.get(name=survey.name.split(": ", 1)[1])
        assert set(survey.units.all()) == set(group.units.all())
        for unit in group.units.all():
            answered = Response.objects.filter(
                survey=survey, unit=unit, submitted_at__isnull=False
            ).count()
            assert answered >= 100, unit.teryt
    opened = Survey.objects.get(state=SurveyState.OPEN)
    assert opened.accepts_answers()
    operator = User.objects.get(email=OPERATOR.email)
    survey_unit = opened.survey_units.select_related("unit").first()
    page = (
        client_for(operator)
        .get(f"/surveys/{opened.pk}/units/{survey_unit.unit.teryt}/")
        .content.decode()
    )
    assert open_link(survey_unit) in page and "<svg" in page


def test_the_demos_satisfaction_indicators_have_values_from_the_surveys(db, printed):
    for code in ("EDU", "WST"):
        stored = Value.objects.filter(
            variable__code=f"{code}_SURVEY_RESP", period=OPEN_YEAR, value__isnull=False
        )
        assert stored.count() >= 5
        assert ValueChange.objects.filter(
            value__variable__code=f"{code}_SURVEY_SATISFIED", source="survey"
        ).exists()
        computed = Result.objects.filter(
            indicator__code=f"{code}_SATISFACTION",
            period=OPEN_YEAR,
            value__isnull=False,
        )
        assert computed.exists(), code
        assert all(0 < result.value < 100 for result in computed)
    # The indicator is the survey's weighted share of satisfied users.
    for survey in Survey.objects.filter(state=SurveyState.CLOSED, period=OPEN_YEAR):
        code = survey.questionnaire_version.questionnaire.domain.code
        for result in survey_results(survey):
            stored = Result.objects.get(
                indicator__code=f"{code}_SATISFACTION", unit=result.unit, period=OPEN_YEAR
            )
            assert stored.value == pytest.approx(100 * result.overall.share, abs=1e-3)


def test_the_demo_surveys_ask_the_shipped_questionnaires_by_their_skip_logic(db, printed):
    surveys = Survey.objects.select_related("questionnaire_version__questionnaire")
    used = {s.questionnaire_version.questionnaire for s in surveys}
    assert {q.code for q in used} == {"EDU_SATISFACTION", "WST_SATISFACTION"}
    assert all(q.shipped for q in used)
    for survey in surveys.filter(state=SurveyState.CLOSED):
        questions = list(survey.questionnaire_version.questions.order_by("position", "pk"))
        items = [q.code for q in questions if q.role == QuestionRole.ITEM]
        assert len(items) == 6
        answers = list(Response.objects.filter(survey=survey).values_list("answers", flat=True))
        for given in answers:
            # Only what the questionnaire asks of this respondent, in its own codes.
            assert set(given) <= {q.code for q in questions if is_shown(q, given)}
            for question in questions:
                if question.code in given and question.kind != QuestionKind.TEXT:
                    assert str(given[question.code]) in choice_codes(question), question.code
        users = [a for a in answers if a["USE"] == "1"]
        assert 0 < len(users) < len(answers)
        assert all(set(items) <= set(a) for a in users)
        assert any(a[code] == DONT_KNOW for a in users for code in items)
        assert any(a.get("OPEN") for a in answers) and any(a.get("AREA") for a in answers)


def _margins(unit: Unit, year: int) -> dict[str, float]:
    rows = ContextValue.objects.filter(unit=unit, year=year, variable__code__in=MARGIN_CODES)
    return dict(rows.values_list("variable__code", "value"))


def test_the_demo_units_have_estimated_populations_by_sex_and_age_for_the_survey_years(db, printed):
    structures = set()
    for survey in Survey.objects.all():
        for unit in survey.units.all():
            population = ContextValue.objects.get(unit=unit, variable__code="POP", year=OPEN_YEAR)
            for year in (OPEN_YEAR, OPEN_YEAR + 1):
                margins = _margins(unit, year)
                assert set(margins) == set(MARGIN_CODES), (unit.teryt, year)
                by_sex = sum(margins[v.code] for v in MARGIN_VARIABLES if v.role == "sex")
                by_age = sum(margins[v.code] for v in MARGIN_VARIABLES if v.role == "age")
                assert by_sex == by_age
                assert 0.78 * population.value < by_sex < 0.86 * population.value
                assert 0.5 < margins["POP_F_18PLUS"] / by_sex < 0.56
                assert 0.2 < margins["POP_65PLUS"] / by_age < 0.32
            structures.add(round(margins["POP_65PLUS"] / by_age, 3))
            # The demo's estimates say so, and were stored with their history.
            stored = ContextValue.objects.filter(unit=unit, variable__code__in=MARGIN_CODES)
            assert all(v.source.startswith("demo: oszacowanie") for v in stored)
            assert (
                ContextValueChange.objects.filter(context_value__in=stored, origin="demo").count()
                == len(MARGIN_CODES) * 2
            )
    assert len(structures) > 5  # each unit its own structure


def test_the_demo_surveys_results_are_weighted_to_the_population(db, printed):
    differences = []
    for survey in Survey.objects.filter(state=SurveyState.CLOSED, period=OPEN_YEAR):
        for result in survey_results(survey):
            assert result.weighted and result.margins_year == OPEN_YEAR, result.unit.teryt
            assert result.design_effect > 1.05
            answers = list(
                Response.objects.filter(survey=survey, unit=result.unit).values_list(
                    "answers", flat=True
                )
            )
            # More women and more older people answered than live there.
            margins = _margins(result.unit, OPEN_YEAR)
            women = sum(a["SEX"] == "F" for a in answers) / len(answers)
            assert women > margins["POP_F_18PLUS"] / sum(margins[c] for c in MARGIN_CODES[:2])
            overall = [a["OVERALL"] for a in answers if a.get("OVERALL") in (1, 2, 3, 4, 5)]
            raw = sum(1 for a in overall if a >= 4) / len(overall)
            differences.append(abs(result.overall.share - raw))
    assert max(differences) > 0.03
    # The unit's page says how it is weighted.
    unit = Unit.objects.get(teryt="2461011")
    survey = Survey.objects.get(state=SurveyState.CLOSED, units=unit)
    client = client_for(User.objects.get(email="prezydent@example.org"))
    page = client.get(reverse("survey-results", args=[survey.pk, unit.teryt]))
    assert page.status_code == 200
    assert f"Weighted to the population by sex and age band of {OPEN_YEAR}" in page.text


def test_the_demo_leaves_no_e_mail_for_the_worker_and_people_see_their_notifications(db, printed):
    # `make demo` starts a worker: it must not e-mail what the build told people.
    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert not ready.filter(task_path=notification_task.module_path).exists()
    assert not ready.exists()
    office = User.objects.get(email=OPERATOR.email)
    mine = Notification.objects.filter(recipient=office, shown=True)
    assert mine.filter(kind="submission_submitted").exists()
    team = User.objects.get(email="prezydent@example.org")
    assert Notification.objects.filter(recipient=team, kind="results_new", shown=True).count() == 1
    page = client_for(team).get(reverse("notification-list"))
    assert page.status_code == 200 and "results" in page.text.lower()


def test_the_demo_publishes_its_results_and_names_only_units_that_agreed(db, printed):
    from django.test import Client

    from benchlearn.results.publication import published_computation

    published = published_computation()
    assert published is not None
    indicators = Client().get("/api/v1/public/indicators", {"page_size": 500}).json()["items"]
    education = next(i for i in indicators if i["domain"] == "EDU" and i["years"])
    year = education["years"][-1]
    page = Client().get(f"/portal/indicators/{education['code']}/{year}/")
    assert page.status_code == 200
    text = page.content.decode()
    # The education group's cities agreed through their programme; the waste group
    # shows its gminas by letters, so they are not named in public either.
    assert "Units that publish their results" in text
    education_group = ExchangeGroup.objects.get(name__startswith="GWD Oświata")
    named = [u.name for u in education_group.units.all() if u.name in text]
    assert named
    waste_group = ExchangeGroup.objects.get(name__startswith="GWD Gospodarka odpadami")
    waste = next(i for i in indicators if i["domain"] == "WST" and i["years"])
    waste_text = Client().get(f"/portal/indicators/{waste['code']}/{waste['years'][-1]}/")
    assert waste_text.status_code == 200
    for unit in waste_group.units.all():
        assert f'<th scope="row">{unit.name}</th>' not in waste_text.content.decode()


def test_each_demo_account_has_only_its_latest_notifications_unread(db, printed):
    from benchlearn.demo.build import UNREAD_KEPT
    from benchlearn.notifications.models import Notification

    office = User.objects.get(email=OPERATOR.email)
    assert Notification.objects.filter(recipient=office).count() > 50  # the past years
    for user in User.objects.filter(notifications__isnull=False).distinct():
        unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
        assert 1 <= unread.count() <= UNREAD_KEPT, user.email
        newest = Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")[0]
        assert newest.read_at is None, user.email


def test_the_demo_groups_assess_their_competencies_enough_for_the_aggregates(db, printed):
    scheme = CompetencyScheme.objects.get()
    assert scheme.is_published and scheme.competencies.count() == 7
    for group in _cycle_groups():
        # Every open seat has its person's submitted start-of-cycle self-assessment.
        for holding in SeatHolding.objects.filter(group=group, ended_at__isnull=True):
            assert Assessment.objects.filter(
                person=holding.user,
                group=group,
                stage=Stage.START,
                role=Role.SELF,
                submitted_at__isnull=False,
            ).exists(), holding
        rows = [
            RatingRow(
                person=r.assessment.person_id,
                seat=r.assessment.seat,
                competency=r.competency.code,
                stage=r.assessment.stage,
                level=r.level,
                expected=r.competency.expected_for(r.assessment.seat),
            )
            for r in Rating.objects.filter(
                assessment__group=group, assessment__role=Role.SELF
            ).select_related("assessment", "competency")
        ]
        cells = summarise(rows, min_people=MIN_PEOPLE)
        # Each seat of each group has at least five people: its figures are shown.
        assert {cell.seat for cell in cells} == {level.value for level in Level}
        assert all(cell.mean_start is not None and cell.mean_gap is not None for cell in cells)
    # Some have assessed themselves again at the end, with a change to show; the
    # second view by a strategic person exists; one training was planned from the gaps.
    assert Assessment.objects.filter(stage=Stage.END).count() >= MIN_PEOPLE
    assert Assessment.objects.filter(role=Role.SUPERIOR).exists()
    training = Training.objects.get()
    assert training.competency_codes and training.invitees.count() >= MIN_PEOPLE
    # The demo accounts have development goals on their largest gaps.
    assert DevelopmentGoal.objects.filter(person__email="prezydent@example.org").exists()


# --- the county tasks, the finance comparison, the health group ------------------------


def test_the_county_group_has_a_county_and_two_cities_with_county_rights(db, printed):
    group = ExchangeGroup.objects.get(name=COUNTY_GROUP)
    kinds = {unit.teryt: unit.kind for unit in group.units.all()}
    assert kinds == {COUNTY: "pow", "2461011": "mnpp", "2477011": "mnpp"}
    assert group.programme is not None and group.moderator.email == MODERATORS[0].email
    # Its county's clerk has an account; the county's rounds run from 2021.
    assert "drogi.powiat@example.org" in printed and "powiat bielski" in printed
    rounds = Round.objects.filter(name__startswith="Zadania powiatowe").order_by("period")
    assert [r.period for r in rounds] == list(range(FIRST_YEAR, OPEN_YEAR + 1))
    assert all(set(r.units.all()) == set(group.units.all()) for r in rounds)


def test_the_county_round_asks_each_unit_the_sets_of_its_kind(db, printed):
    current = Round.objects.get(name__startswith="Zadania powiatowe", period=OPEN_YEAR)
    county = current.submissions.get(unit__teryt=COUNTY)
    city = current.submissions.get(unit__teryt="2477011")
    assert [v.set.code for v in round_set_versions(current, "pow")] == ["SET_SEC", "SET_CRD"]
    assert {v.set.code for v in round_set_versions(current, "mnpp")} == {
        "SET_SEC", "SET_CRD", "SET_ROAD"
    }  # fmt: skip
    asked = {v.code[:4] for v in submission_variables(county)}
    assert asked == {"SEC_", "CRD_"}
    assert {v.code[:4] for v in submission_variables(city)} == {"SEC_", "CRD_", "ROAD"}
    # The city's values of its gmina and county roads are in, and counted in the results.
    stored = Value.objects.filter(unit=city.unit, period=OPEN_YEAR, value__isnull=False)
    assert stored.filter(variable__code="ROAD_LENGTH_KM").exists()
    assert stored.filter(variable__code="CRD_LENGTH_KM").exists()
    assert not Value.objects.filter(unit=county.unit, variable__code__startswith="ROAD_").exists()
    computation = Computation.objects.get(state=ComputationState.DONE)
    past = Result.objects.filter(computation=computation, period=OPEN_YEAR - 1)
    for teryt in (COUNTY, "2461011", "2477011"):
        assert past.filter(unit__teryt=teryt, indicator__code="SEC_COST_PUPIL").exists()
        assert past.filter(unit__teryt=teryt, indicator__code="CRD_MAINT_COST_KM").exists()
    assert past.filter(unit__teryt="2477011", indicator__code="ROAD_HARD_DENSITY").exists()
    assert not past.filter(unit__teryt=COUNTY, indicator__code__startswith="ROAD_").exists()


def test_the_finance_comparison_has_every_demo_units_results(db, printed):
    units = set(demo_units()[FINANCE])
    assert len(units) == 61 and {Unit.objects.get(teryt=t).kind for t in units} == {
        "mnpp", "gw", "pow"
    }  # fmt: skip
    computation = Computation.objects.get(state=ComputationState.DONE)
    closed = Round.objects.get(name__startswith="Finanse", state=RoundState.CLOSED)
    assert closed.period == OPEN_YEAR - 1
    for code in ("FIN_REV_RESIDENT", "FIN_OPER_SURPLUS_SHARE", "FIN_DEBT_MARGIN"):
        found = Result.objects.filter(
            computation=computation,
            period=closed.period,
            indicator__code=code,
            value__isnull=False,
        )
        assert set(found.values_list("unit__teryt", flat=True)) == units, code
    # Last year's round: the approved units' results are in already.
    current = Round.objects.get(name__startswith="Finanse", state=RoundState.OPEN)
    approved = current.submissions.filter(state=SubmissionState.APPROVED)
    assert approved.count() > 40
    found = Result.objects.filter(
        computation=computation, period=OPEN_YEAR, indicator__code="FIN_REV_RESIDENT"
    )
    assert set(approved.values_list("unit__teryt", flat=True)) <= set(
        found.values_list("unit__teryt", flat=True)
    )
    # A county's revenue per resident is a fraction of a city's.
    revenue = dict(
        Result.objects.filter(
            computation=computation, period=closed.period, indicator__code="FIN_REV_RESIDENT"
        ).values_list("unit__teryt", "value")
    )
    assert revenue[COUNTY] < revenue["2461011"] / 3


def test_the_finance_forms_show_what_gus_publishes_without_a_warning(db, printed):
    """The amounts GUS publishes for gminas and cities (the catalogue's BDL sources)
    are stored for the finance rounds' years as bdl-fetch would: each form of the open
    round shows them beside the fields, and the units' own figures agree with them."""
    published = ContextValue.objects.filter(
        variable__code__in=("FIN_REV_TOTAL", "FIN_REV_OWN", "FIN_EXP_TOTAL")
    )
    assert {v.year for v in published} == {OPEN_YEAR - 1, OPEN_YEAR}
    assert not published.filter(unit__kind="pow").exists()  # not mapped for counties
    current = Round.objects.get(name__startswith="Finanse", state=RoundState.OPEN)
    shown = 0
    for submission in current.submissions.exclude(unit__kind="pow"):
        item = submission_check(submission, live=True).items["FIN_REV_TOTAL"]
        assert item.public is not None, submission.unit.teryt
        assert item.public.source == "BDL 76037 – dane demonstracyjne"
        assert not [w for w in item.warnings if w.startswith("GUS")], submission.unit.teryt
        shown += 1
    assert shown >= 50


def test_the_health_group_compares_gminas_from_2021(db, printed):
    group = ExchangeGroup.objects.get(name=HEALTH_GROUP)
    assert set(group.units.values_list("teryt", flat=True)) == set(HEALTH_GMINAS)
    assert set(group.units.values_list("kind", flat=True)) == {"gw"}
    assert group.domain.code == "HLT"
    rounds = Round.objects.filter(name__startswith="Ochrona zdrowia").order_by("period")
    assert [r.period for r in rounds] == list(range(FIRST_YEAR, OPEN_YEAR + 1))
    computation = Computation.objects.get(state=ComputationState.DONE)
    reach = Result.objects.filter(
        computation=computation, indicator__code="HLT_PROG_REACH", value__isnull=False
    )
    assert set(reach.filter(period=FIRST_YEAR).values_list("unit__teryt", flat=True)) == set(
        HEALTH_GMINAS
    )


def _hard_failures() -> dict[tuple[str, int], set[str]]:
    """Every (unit, year) of the demo's data whose values break a hard range, with the
    rules broken: each unit's values of the year from all its rounds, with its public
    statistics."""
    rules = [r for r in read_default_catalogue().rules if r.code.endswith("_HARD")]
    values: dict[tuple[str, int], dict[str, float]] = {}
    for teryt, period, code, value in Value.objects.filter(value__isnull=False).values_list(
        "unit__teryt", "period", "variable__code", "value"
    ):
        values.setdefault((teryt, period), {})[code] = float(value)
    for teryt, year, code, value in ContextValue.objects.filter(
        unit__teryt__in={teryt for teryt, _ in values}
    ).values_list("unit__teryt", "year", "variable__code", "value"):
        if (teryt, year) in values:
            values[teryt, year].setdefault(code, float(value))
    broken = {}
    for key, known in values.items():
        failures = {f.rule.code for f in rule_failures(rules, known)}
        if failures:
            broken[key] = failures
    return broken


def test_only_the_two_planted_mistakes_break_a_hard_range(db, printed):
    broken = _hard_failures()
    assert set(broken) == {(COUNTY, OPEN_YEAR), ("2461011", OPEN_YEAR)}
    # Each is the mistake's value: a length in metres, an amount in thousands.
    assert "CRD_LENGTH_RESIDENT_HARD" in broken[COUNTY, OPEN_YEAR]
    assert broken["2461011", OPEN_YEAR] == {"SEC_COST_PUPIL_HARD"}
    rules = {r.code: r for r in read_default_catalogue().rules}
    for (teryt, _year), codes in broken.items():
        (wrong,) = [code for (unit, code) in PLANTED if unit == teryt]
        assert all(wrong in references(parse(rules[code].left)) for code in codes)


def test_the_checks_catch_both_planted_mistakes_in_the_drafts(db, printed):
    current = Round.objects.get(name__startswith="Zadania powiatowe", period=OPEN_YEAR)
    planted = {teryt: code for teryt, code in PLANTED}
    with translation.override("pl"):
        for teryt, code in planted.items():
            submission = current.submissions.get(unit__teryt=teryt)
            assert submission.state == SubmissionState.DRAFT
            check = submission_check(submission)
            item = check.items[code]
            assert any("poza zakresem twardym" in e for e in item.errors), item.errors
            assert code in check.blocking()
    # The round's progress shows the two units with errors, the third without.
    office = User.objects.get(email=OPERATOR.email)
    rows, totals = round_rows(office, current, round_variables(current))
    assert {row.submission.unit.teryt for row in rows if row.errors} == set(planted)
    assert totals.units_with_errors == 2
    # The county's clerk sees the error, its reason and the comment box in the form.
    clerk = client_for(User.objects.get(email="drogi.powiat@example.org"))
    clerk.cookies["django_language"] = "pl"
    page = clerk.get(reverse("submission-form", args=[current.pk, COUNTY])).text
    message = ValidationRule.objects.get(code="CRD_LENGTH_RESIDENT_HARD").message_pl
    assert message.split(":")[0] in page
    assert '<details class="comment" id="cd-CRD_LENGTH_KM" open>' in page
