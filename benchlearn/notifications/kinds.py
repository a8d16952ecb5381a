"""What people are told about: the kinds of notification, an open registry.

A kind names itself (``code``, kept in the database), says on the preferences page what
it is about, and writes its subject and text from plain parameters (names, years,
dates as ISO strings) in the language active when it is shown or mailed: a message
stored today reads in English tomorrow for someone who switched. An app that tells
people something new (meetings, group conversations) registers its own kinds with
``register`` when it is imported, and calls ``services.notify`` with their codes.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benchlearn.units.models import Level

Params = Mapping[str, Any]


@dataclass(frozen=True)
class Kind:
    code: str
    label: str | Promise  # on the preferences page
    help: str | Promise  # who gets it, when
    subject: Callable[[Params], str]
    body: Callable[[Params], str]
    # With a key (``notify(key=…)``): False sends it once per key and person (a
    # deadline); True again once the last one was read (new results).
    repeat: bool = True


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if kind.code in KINDS and KINDS[kind.code] != kind:
        raise ValueError(f"notification kind {kind.code} is registered twice")
    KINDS[kind.code] = kind
    return kind


def kind_get(code: str) -> Kind:
    try:
        return KINDS[code]
    except KeyError:
        raise ValueError(f"unknown notification kind {code!r}") from None


def date_shown(iso: str) -> str:
    """An ISO date as the active language writes it (the recipient's, when told)."""
    try:
        return formats.date_format(datetime.date.fromisoformat(iso), "SHORT_DATE_FORMAT")
    except (TypeError, ValueError):
        return str(iso)


def _unit_round(params: Params) -> dict[str, str]:
    return {"unit": params.get("unit", ""), "round": params.get("round", "")}


SUBMITTED = register(
    Kind(
        "submission_submitted",
        gettext_lazy("Data submitted for review"),
        gettext_lazy("To reviewers, when a unit submits its data."),
        lambda p: _("Submitted: %(unit)s, %(round)s") % _unit_round(p),
        lambda p: (
            _("%(person)s submitted the data of %(unit)s for the round “%(round)s”: review them.")
            % {**_unit_round(p), "person": p.get("person", "")}
        ),
    )
)
RETURNED = register(
    Kind(
        "submission_returned",
        gettext_lazy("Data returned for correction"),
        gettext_lazy("To the unit's team, when a reviewer returns its data."),
        lambda p: _("Returned for correction: %(unit)s, %(round)s") % _unit_round(p),
        lambda p: (
            _(
                "The data of %(unit)s for the round “%(round)s” were returned for correction: "
                "see the comments on the form and submit again."
            )
            % _unit_round(p)
        ),
    )
)
APPROVED = register(
    Kind(
        "submission_approved",
        gettext_lazy("Data approved"),
        gettext_lazy("To the unit's team, when a reviewer approves its data."),
        lambda p: _("Approved: %(unit)s, %(round)s") % _unit_round(p),
        lambda p: (
            _(
                "The data of %(unit)s for the round “%(round)s” were approved; they feed the "
                "results at the next computation."
            )
            % _unit_round(p)
        ),
    )
)
ROUND_OPENED = register(
    Kind(
        "round_opened",
        gettext_lazy("Collection round opened"),
        gettext_lazy("To the units of a round, when it opens."),
        lambda p: _("New collection round: %(round)s") % _unit_round(p),
        lambda p: (
            _(
                "The collection round “%(round)s” is open: enter your unit's data by "
                "%(deadline)s. The start page leads to the form."
            )
            % {**_unit_round(p), "deadline": date_shown(p.get("deadline", ""))}
        ),
    )
)
DEADLINE_NEAR = register(
    Kind(
        "deadline_near",
        gettext_lazy("Deadline near"),
        gettext_lazy("To the units that have not submitted yet, a few days before the deadline."),
        lambda p: _("Reminder: %(round)s — data of %(unit)s") % _unit_round(p),
        lambda p: " ".join(
            [
                _(
                    "The data of %(unit)s for the collection round “%(round)s” are due by "
                    "%(deadline)s."
                )
                % {**_unit_round(p), "deadline": date_shown(p.get("deadline", ""))},
                _("The submission was returned for correction: see the comments on the form.")
                if p.get("returned")
                else _("They have not been submitted yet."),
            ]
        ),
        repeat=False,
    )
)
SIGNOFF_AWAITED = register(
    Kind(
        "signoff_awaited",
        gettext_lazy("Data awaiting your sign-off"),
        gettext_lazy(
            "To the unit's strategic level, when its data await internal sign-off, and "
            "again a few days before the deadline if they still do."
        ),
        lambda p: _("To sign off: %(unit)s, %(round)s") % _unit_round(p),
        lambda p: " ".join(
            [
                _(
                    "The data of %(unit)s for the round “%(round)s” await your sign-off: "
                    "confirm and send them to the office, or send them back to be corrected."
                )
                % _unit_round(p),
                _("They are due by %(deadline)s.") % {"deadline": date_shown(p["deadline"])}
                if p.get("deadline")
                else "",
            ]
        ).strip(),
        repeat=False,
    )
)
RESULTS_NEW = register(
    Kind(
        "results_new",
        gettext_lazy("New results"),
        gettext_lazy("To participants, when the results have been computed again."),
        lambda p: _("New results are ready"),
        lambda p: (
            _("The results have been computed again, up to %(year)s: see your unit's positions.")
            % {"year": p.get("year", "")}
        ),
    )
)
INTRODUCTION_REQUESTED = register(
    Kind(
        "introduction_requested",
        gettext_lazy("Introduction requested"),
        gettext_lazy("To the office and the moderator, when a unit asks to meet another one."),
        lambda p: _("%(unit)s asks for an introduction") % {"unit": p.get("unit", "")},
        lambda p: (
            _(
                "%(person)s of %(unit)s asks to be introduced to %(target)s (shown to them as "
                "“%(shown_as)s”). Decide whether to put the two units in touch."
            )
            % {
                "person": p.get("person", ""),
                "unit": p.get("unit", ""),
                "target": p.get("target", ""),
                "shown_as": p.get("shown_as", ""),
            }
        ),
    )
)
INTRODUCTION_ACCEPTED = register(
    Kind(
        "introduction_accepted",
        gettext_lazy("Introduction made"),
        gettext_lazy("To both units' teams, when the office puts them in touch."),
        lambda p: _("Introduction: %(unit)s") % {"unit": p.get("other", "")},
        lambda p: "\n".join(
            [
                _(
                    "The programme puts %(unit)s in touch with %(other)s, who would like to learn "
                    "from each other. Their team:"
                )
                % {"unit": p.get("unit", ""), "other": p.get("other", "")},
                *(f"– {contact}" for contact in p.get("contacts", [])),
            ]
        ),
    )
)
INTRODUCTION_DECLINED = register(
    Kind(
        "introduction_declined",
        gettext_lazy("Introduction not made"),
        gettext_lazy("To the person who asked, when an introduction cannot be made."),
        lambda p: _("Your request for an introduction"),
        lambda p: (
            _(
                "Thank you for your interest in “%(shown_as)s”. The programme cannot put you in "
                "touch this time; the unit's identity stays confidential. The office will gladly "
                "suggest other units to learn from."
            )
            % {"shown_as": p.get("shown_as", "")}
        ),
    )
)


# --- the group's conversation (benchlearn.board) ---------------------------------------


def _board(params: Params) -> dict[str, str]:
    return {
        "person": params.get("person", ""),
        "group": params.get("group", ""),
        "thread": params.get("thread", ""),
    }


BOARD_POST = register(
    Kind(
        "board_post",
        gettext_lazy("New post on a group's board"),
        gettext_lazy(
            "To the group's people, when someone writes on its board: at once, or in one "
            "e-mail a day if they chose the daily digest on the board."
        ),
        lambda p: (
            (
                _("Announcement in %(group)s: %(thread)s")
                if p.get("announcement")
                else _("New post in %(group)s: %(thread)s")
            )
            % _board(p)
        ),
        lambda p: "\n\n".join(
            [
                _("%(person)s wrote on the board of %(group)s, in “%(thread)s”:") % _board(p),
                p.get("excerpt", ""),
            ]
        ),
    )
)
BOARD_MENTION = register(
    Kind(
        "board_mention",
        gettext_lazy("Mentioned on a group's board"),
        gettext_lazy("To a person mentioned by name in a post, at once."),
        lambda p: _("%(person)s mentioned you in “%(thread)s”") % _board(p),
        lambda p: "\n\n".join(
            [
                _("%(person)s mentioned you on the board of %(group)s, in “%(thread)s”:")
                % _board(p),
                p.get("excerpt", ""),
            ]
        ),
    )
)
BOARD_DIGEST = register(
    Kind(
        "board_digest",
        gettext_lazy("Daily digest of the groups' boards"),
        gettext_lazy(
            "Once a day, to those who chose it: the day's new posts on their groups' boards."
        ),
        lambda p: _("New on your groups' boards, %(day)s") % {"day": date_shown(p.get("day", ""))},
        lambda p: "\n\n".join(
            [
                _("New posts on the boards of your groups, %(day)s:")
                % {"day": date_shown(p.get("day", ""))},
                *(
                    "\n".join(
                        [
                            f"{post.get('group', '')} — “{post.get('thread', '')}”",
                            f"{post.get('person', '')}, {post.get('time', '')}: "
                            f"{post.get('excerpt', '')}",
                            post.get("url", ""),
                        ]
                    )
                    for post in p.get("posts", [])
                ),
            ]
        ),
        repeat=False,
    )
)


# Seats of exchange groups (benchlearn.groups).
def _seat(params: Params) -> dict[str, str]:
    level = params.get("level", "")
    return {
        "person": params.get("person", ""),
        "email": params.get("email", ""),
        "group": params.get("group", ""),
        "unit": params.get("unit", ""),
        "level": str(Level(level).label) if level in Level.values else level,
    }


SEAT_INVITATION_ACCEPTED = register(
    Kind(
        "seat_invitation_accepted",
        gettext_lazy("Invitation to a seat accepted"),
        gettext_lazy(
            "To the person who sent an invitation to a group's seat, and to the group's "
            "moderator, when it is accepted."
        ),
        lambda p: _("%(person)s joined %(group)s") % _seat(p),
        lambda p: (
            _(
                "%(person)s (%(email)s) accepted the invitation to the exchange group "
                "%(group)s and now holds the seat of %(unit)s at the %(level)s level."
            )
            % _seat(p)
        ),
    )
)
