"""What planning a training tells people, through ``benchlearn.notifications`` (in the
app and by e-mail, in the recipient's language): each person newly invited is told the
training's title, date and place, with a link to their competencies page, which lists
the trainings they are invited to. Those already invited are not told again."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benchlearn.competencies.models import Training
from benchlearn.notifications.kinds import Kind, Params, date_shown, register
from benchlearn.notifications.services import notify


def _about(p: Params) -> dict[str, str]:
    place = str(p.get("place", "")).strip()
    return {
        "title": str(p.get("title", "")),
        "date": date_shown(str(p.get("date", ""))),
        "place": (_(", place: %(place)s") % {"place": place}) if place else "",
    }


TRAINING_INVITED = register(
    Kind(
        "competency_training",
        gettext_lazy("Invitation to a training"),
        gettext_lazy(
            "To the people the office invites to a training planned from the competency gaps."
        ),
        lambda p: _("Invitation to a training: %(title)s") % _about(p),
        lambda p: (
            _(
                "The programme's office invites you to the training “%(title)s” on "
                "%(date)s%(place)s. Your competencies page lists the trainings you are "
                "invited to."
            )
            % _about(p)
        ),
    )
)


def training_invited_notify(training: Training, people: Iterable[int], *, by_id: int) -> None:
    """Tell ``people`` (ids) they are invited, except whoever planned it."""
    told = [pk for pk in people if pk != by_id]
    notify(
        kind=TRAINING_INVITED.code,
        recipients=told,
        params={
            "title": training.title,
            "date": training.date.isoformat(),
            "place": training.place,
        },
        link=reverse("competency-home"),
        key=f"competency-training-{training.pk}",
    )
