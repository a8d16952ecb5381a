"""What the demo's people have been told, so that the pages of notifications,
preferences and introductions have something true to show: a programme whose
moderators review their groups' data, the waste group shown anonymised, an
introduction asked from one of its gminas to another, and the deadline of the open
rounds near. Told through the real path (``notify``), its task run at once here (mail
dropped) so that it is stored without a worker and e-mails nobody. The forms submitted
and approved and the new results were told by the services that did them, in the build
(``build.demo_build`` runs their tasks at once too)."""

from __future__ import annotations

from django.test.utils import override_settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.collection.models import Round, RoundState
from benchlearn.collection.notices import deadline_near_notify
from benchlearn.demo.cycle import DROP_MAIL, RUN_AT_ONCE, cycle_first_year
from benchlearn.groups.models import ExchangeGroup, Programme
from benchlearn.groups.services import group_update, programme_create
from benchlearn.notifications.introductions import anonymised_members
from benchlearn.notifications.models import IntroductionRequest
from benchlearn.notifications.services import introduction_request
from benchlearn.results.pages import context_for
from benchlearn.units.models import Unit

PROGRAMME = "Program wymiany doświadczeń"


def programme_build(*, operator: User, groups: list[ExchangeGroup], anonymised: str) -> None:
    """The demo's programme (its moderators return and approve their groups' data) and
    the group ``anonymised`` shown by letters."""
    if not Programme.objects.filter(name=PROGRAMME).exists():
        first = cycle_first_year(timezone.localdate())  # the groups' cycle, around today
        programme_create(
            name=PROGRAMME,
            first_year=first,
            last_year=first + 1,
            moderators_review=True,
            groups=groups,
            by=operator,
        )
    for group in groups:
        if group.name == anonymised and not group.anonymised:
            group_update(group=group, by=operator, anonymised=True, via="demo")


def notices_build(*, asking: tuple[str, str], operator: User) -> None:
    """Once: the introduction ``asking`` = (e-mail of a participant, TERYT of the unit
    they would meet) and the deadline reminders of the open rounds."""
    if IntroductionRequest.objects.exists():
        return
    with override_settings(TASKS=RUN_AT_ONCE, EMAIL_BACKEND=DROP_MAIL):
        _introduction(*asking)
        for round_ in Round.objects.filter(state=RoundState.OPEN):
            deadline_near_notify(round_)


def _introduction(email: str, target_teryt: str) -> None:
    user = User.objects.get(email__iexact=email)
    unit = Unit.objects.get(memberships__user=user)
    target = Unit.objects.get(teryt=target_teryt)
    with translation.override("pl"):
        _introduction_asked(user, unit, target)


def _introduction_asked(user: User, unit: Unit, target: Unit) -> None:
    context = context_for(user, unit, choice="", year="")
    for comparison in [context.comparison, *context.comparisons]:
        context = context_for(user, unit, choice=comparison.choice, year="")
        letters = {pk: letter for pk, letter in anonymised_members(context, None).values()}
        if target.pk in letters:
            introduction_request(
                user=user,
                unit=unit,
                target=target,
                shown_as=_("%(letter)s in the comparison “%(group)s”")
                % {"letter": letters[target.pk], "group": context.comparison.label},
                message="Chcielibyśmy dowiedzieć się, jak obniżyli koszt odbioru odpadów.",
            )
            return
    raise RuntimeError(f"{target.name} is not shown by letter to {user.email}")
