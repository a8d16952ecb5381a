"""The demo's public portal: its programme agreed to publish its units' names, and the
newest computation is published (once; a later demo run leaves the office's choice)."""

from __future__ import annotations

from benchlearn.accounts.models import User
from benchlearn.demo.notices import PROGRAMME
from benchlearn.groups.models import Programme
from benchlearn.groups.services import programme_update
from benchlearn.results.models import PublicationChange
from benchlearn.results.publication import computation_publish
from benchlearn.results.selectors import current_computation


def portal_build(*, operator: User) -> None:
    programme = Programme.objects.filter(name=PROGRAMME).first()
    if programme is not None and not programme.public_names:
        programme_update(
            programme=programme,
            name=programme.name,
            first_year=programme.first_year,
            last_year=programme.last_year,
            moderators_review=programme.moderators_review,
            anonymised_default=programme.anonymised_default,
            groups=list(programme.groups.all()),
            public_names=True,
            by=operator,
        )
    computation = current_computation()
    if computation is not None and not PublicationChange.objects.exists():
        computation_publish(computation=computation, by=operator)
