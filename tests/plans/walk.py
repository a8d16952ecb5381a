"""The plan named by the URL × role walk (tests/test_url_walk.py): Gmina A's plan,
adopted, with one diagnosis item and one action, and a progress report on it with a
file of evidence."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from benchlearn.plans.models import DiagnosisItem, DiagnosisReason
from benchlearn.plans.progress import progress_report_add
from benchlearn.plans.selectors import group_indicator_codes
from benchlearn.plans.services import (
    ActionInput,
    TargetInput,
    action_save,
    plan_adopt,
    plan_confirm,
    plan_start,
    plan_submit,
)
from benchlearn.units.models import Level


def plans_parameters(group, unit, author, moderator) -> dict[str, str]:
    """``author`` (participant A, the unit's strategic level) writes and confirms the
    plan, ``moderator`` adopts it."""
    plan = plan_start(unit=unit, group=group, by=author)
    code = sorted(group_indicator_codes(group))[0]
    item = DiagnosisItem.objects.create(
        plan=plan, indicator_code=code, reason=DiagnosisReason.WEAKEST_QUARTILE, year=2024
    )
    start = datetime.date(group.cycle_start, 3, 1)
    action, _warnings = action_save(
        plan=plan,
        data=ActionInput(
            title="Działanie",
            owner_level=Level.STRATEGIC,
            start_date=start,
            end_date=start + datetime.timedelta(days=200),
            indicators=[TargetInput(code, 1.0, group.cycle_end)],
        ),
        by=author,
    )
    plan_submit(plan=plan, by=author)
    plan_confirm(plan=plan, by=author)
    plan_adopt(plan=plan, by=moderator)
    report = progress_report_add(
        action=action,
        by=author,
        status="in_progress",
        percent_done=20,
        done_text="Rozpoczęte.",
        files=[SimpleUploadedFile("dowod.pdf", b"%PDF-1.7\n")],
    )
    return {
        "plan_id": str(plan.pk),
        "diagnosis_id": str(item.pk),
        "action_id": str(action.pk),
        "version": "1",
        "progress_file_id": str(report.attachments.get().pk),
    }
