"""Freezing a submission's checks when it is submitted (``FrozenCheck``)."""

from __future__ import annotations

import dataclasses

from django.db import transaction
from django.utils import timezone, translation

from benchlearn.collection.models import FrozenCheck, Submission
from benchlearn.collection.rule_findings import live_rule_findings
from benchlearn.collection.validation import Check, submission_check

LANGUAGES = ("pl", "en")


@transaction.atomic
def submission_checks_freeze(
    *, submission: Submission, checked: Check | None = None
) -> list[FrozenCheck]:
    """Store what the checks say of every value of ``submission`` now, in each language,
    and the rules it breaks with what they computed, replacing what an earlier
    submission of it stored. Called by ``submission_submit``:
    from then on the submission shows these warnings, whatever changes later.
    ``checked``: the live check of the submission as it is now, made in the active
    language (the submit's own), which need not be made again."""
    active = "en" if (translation.get_language() or "pl").startswith("en") else "pl"
    checks = {}
    for language in LANGUAGES:
        if checked is not None and language == active:
            checks[language] = checked
            continue
        with translation.override(language):
            checks[language] = submission_check(submission, live=True)
    findings = live_rule_findings(submission)
    now = timezone.now()
    first = checks[LANGUAGES[0]]
    rows = [
        FrozenCheck(
            submission=submission,
            variable=item.variable,
            warnings={lang: checks[lang].items[code].to_review for lang in LANGUAGES},
            warned=bool(item.to_review),
            previous=item.previous,
            previous_period=item.previous_period,
            peers=dataclasses.asdict(item.peers) if item.peers else None,
            rules=[finding.as_json() for finding in findings if code in finding.targets],
            frozen_at=now,
        )
        for code, item in first.items.items()
    ]
    FrozenCheck.objects.filter(submission=submission).delete()
    return FrozenCheck.objects.bulk_create(rows)
