"""The bulk path of the single writer (``values_import``): inserts, updates and skips
in a few statements, a history row per change, all or nothing."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from benchlearn.collection.models import Submission, SubmissionState, Value, ValueChange
from benchlearn.collection.services import values_import, writer
from tests.collection.conftest import dump, save


def by_code(unit):
    return {v.variable.code: v for v in Value.objects.filter(unit=unit).select_related("variable")}


def test_import_inserts_updates_and_skips_unchanged(sub_a, sub_b, participant_a, operator):
    save(sub_a, participant_a, {"EDU_EXP": "100", "TEACHERS": ("40", "wzrost")})
    first = {v.variable.code: v for v in Value.objects.select_related("variable")}
    result = values_import(
        round_=sub_a.round,
        user=operator,
        source="excel",
        entries={
            sub_a.unit.teryt: {
                "EDU_EXP": ("250,5", None),  # changed
                "TEACHERS": (Decimal("40.000"), None),  # unchanged, comment kept
                "SUBSIDY": ("7", "nowa"),  # new
                "NEW_PUPILS": (None, None),  # empty and nothing stored
            },
            sub_b.unit.teryt: {"EDU_EXP": ("1 000", None)},
        },
    )
    assert result.ok
    assert {t: sorted(c) for t, c in result.changed.items()} == {
        sub_a.unit.teryt: ["EDU_EXP", "SUBSIDY"],
        sub_b.unit.teryt: ["EDU_EXP"],
    }
    values = by_code(sub_a.unit)
    assert set(values) == {"EDU_EXP", "TEACHERS", "SUBSIDY"}
    assert values["EDU_EXP"].value == Decimal("250.5") and values["EDU_EXP"].revision == 2
    assert values["EDU_EXP"].updated_by == operator and values["EDU_EXP"].source == "excel"
    assert values["EDU_EXP"].pk == first["EDU_EXP"].pk
    teachers = values["TEACHERS"]
    assert (teachers.revision, teachers.comment, teachers.source) == (1, "wzrost", "form")
    assert teachers.updated_at == first["TEACHERS"].updated_at
    subsidy = values["SUBSIDY"]
    assert (subsidy.value, subsidy.comment, subsidy.revision) == (Decimal(7), "nowa", 1)
    assert by_code(sub_b.unit)["EDU_EXP"].value == Decimal(1000)


def test_import_writes_history_rows_with_old_new_source_user_submission(
    sub_a, sub_b, participant_a, operator
):
    save(sub_a, participant_a, {"EDU_EXP": ("100", "stare")})
    values_import(
        round_=sub_a.round,
        user=operator,
        source="excel",
        entries={
            sub_a.unit.teryt: {"EDU_EXP": ("200", "nowe"), "SUBSIDY": ("5", None)},
            sub_b.unit.teryt: {"TEACHERS": ("3", None)},
        },
    )
    changes = ValueChange.objects.filter(source="excel").select_related("value__variable")
    rows = {
        (c.value.unit_id, c.value.variable.code): (
            c.old_value,
            c.new_value,
            c.old_comment,
            c.new_comment,
            c.revision,
            c.changed_by,
            c.submission_id,
            c.submission_state,
        )
        for c in changes
    }
    draft = SubmissionState.DRAFT
    assert rows == {
        (sub_a.unit_id, "EDU_EXP"): (
            Decimal(100),
            Decimal(200),
            "stare",
            "nowe",
            2,
            operator,
            sub_a.pk,
            draft,
        ),
        (sub_a.unit_id, "SUBSIDY"): (None, Decimal(5), "", "", 1, operator, sub_a.pk, draft),
        (sub_b.unit_id, "TEACHERS"): (None, Decimal(3), "", "", 1, operator, sub_b.pk, draft),
    }
    assert all(c.changed_at is not None for c in changes)
    stamps = {c.changed_at for c in changes} | {
        v.updated_at for v in Value.objects.filter(changes__source="excel")
    }
    assert len(stamps) == 1  # one import, one time


def test_import_bumps_only_changed_submissions(sub_a, sub_b, participant_a, operator):
    save(sub_a, participant_a, {"EDU_EXP": "100"})
    sub_a.refresh_from_db()
    before_a = (sub_a.revision, sub_a.last_activity_at)
    result = values_import(
        round_=sub_a.round,
        user=operator,
        source="excel",
        entries={
            sub_a.unit.teryt: {"EDU_EXP": ("100", None)},
            sub_b.unit.teryt: {"EDU_EXP": ("5", None)},
        },
    )
    assert result.changed == {sub_b.unit.teryt: ["EDU_EXP"]}
    sub_a.refresh_from_db()
    sub_b.refresh_from_db()
    assert (sub_a.revision, sub_a.last_activity_at) == before_a
    assert sub_b.revision == 1 and sub_b.last_activity_at is not None


def test_the_same_import_twice_writes_nothing_the_second_time(sub_a, sub_b, operator):
    entries = {
        sub_a.unit.teryt: {"EDU_EXP": ("1 234,5", "k"), "SUBSIDY": ("", None)},
        sub_b.unit.teryt: {"TEACHERS": ("12", None)},
    }
    values_import(round_=sub_a.round, user=operator, source="excel", entries=entries)
    before = dump()
    again = values_import(round_=sub_a.round, user=operator, source="excel", entries=entries)
    assert again.ok and again.changed == {}
    assert dump() == before


def test_a_late_failure_stores_nothing(sub_a, sub_b, participant_a, operator, monkeypatch):
    save(sub_a, participant_a, {"EDU_EXP": "100"})
    before = dump()
    real = writer.changes_store

    def fails_after_writing(changes, recorded):
        real(changes, recorded)  # values and history rows written, then the failure
        assert ValueChange.objects.count() > 1
        raise RuntimeError("disk full")

    monkeypatch.setattr(writer, "changes_store", fails_after_writing)
    with pytest.raises(RuntimeError):
        values_import(
            round_=sub_a.round,
            user=operator,
            source="excel",
            entries={
                sub_a.unit.teryt: {"EDU_EXP": ("200", None), "SUBSIDY": ("1", None)},
                sub_b.unit.teryt: {"EDU_EXP": ("5", None)},
            },
        )
    assert dump() == before


def test_one_refused_unit_stores_nothing_for_any(sub_a, sub_b, operator):
    Submission.objects.filter(pk=sub_b.pk).update(state=SubmissionState.SUBMITTED)
    before = dump()
    result = values_import(
        round_=sub_a.round,
        user=operator,
        source="excel",
        entries={
            sub_a.unit.teryt: {"EDU_EXP": ("200", None)},
            sub_b.unit.teryt: {"EDU_EXP": ("5", None)},
        },
    )
    # The locked unit's changed value is refused where it is, with the stored value.
    [message] = result.errors[(sub_b.unit.teryt, "EDU_EXP")]
    assert not result.ok and "locked (submitted)" in message and "5 in the file" in message
    assert result.skipped == []
    assert dump() == before


def test_a_closed_round_refuses_every_unit(sub_a, sub_b, operator):
    from benchlearn.collection.services import round_close

    round_close(round_=sub_a.round, user=operator)
    before = dump()
    result = values_import(
        round_=sub_a.round,
        user=operator,
        source="excel",
        entries={sub_b.unit.teryt: {"EDU_EXP": (None, None)}},
    )
    assert not result.ok and "The round is not open" in result.errors[(sub_b.unit.teryt, "")][0]
    assert dump() == before


def test_unchanged_locked_units_are_skipped_and_listed(sub_a, sub_b, participant_a, operator):
    from benchlearn.collection.services import submission_approve, submission_submit
    from tests.collection.conftest import COMPLETE

    assert save(sub_a, participant_a, {**COMPLETE, "EDU_EXP": ("1 000 000,5", "remont")}).ok
    sub_a.refresh_from_db()
    submission_submit(submission=sub_a, user=participant_a, base_revision=sub_a.revision)
    submission_approve(submission=sub_a, operator=operator)
    before = dump()
    result = values_import(
        round_=sub_a.round,
        user=operator,
        source="excel",
        entries={
            sub_a.unit.teryt: {
                "EDU_EXP": (Decimal("1000000.5"), None),  # as stored; no comment in the file
                "SUBSIDY": ("600 000", None),
                "TEACHERS": (Decimal("40.0"), None),
                "NEW_PUPILS": ("25", None),
            },
            sub_b.unit.teryt: {"EDU_EXP": ("7", None)},
        },
    )
    assert result.ok, result.errors
    assert [(s.teryt, s.state) for s in result.skipped] == [(sub_a.unit.teryt, "approved")]
    assert result.changed == {sub_b.unit.teryt: ["EDU_EXP"]}
    assert by_code(sub_b.unit)["EDU_EXP"].value == Decimal(7)
    assert by_code(sub_a.unit)["EDU_EXP"].comment == "remont"
    assert ValueChange.objects.filter(value__unit=sub_a.unit, source="excel").count() == 0
    assert dump() != before


def test_a_changed_explanation_of_locked_data_is_refused(sub_a, participant_a, operator):
    from benchlearn.collection.services import submission_submit
    from tests.collection.conftest import COMPLETE

    assert save(sub_a, participant_a, COMPLETE).ok
    sub_a.refresh_from_db()
    submission_submit(submission=sub_a, user=participant_a, base_revision=sub_a.revision)
    before = dump()
    result = values_import(
        round_=sub_a.round,
        user=operator,
        source="csv",
        entries={sub_a.unit.teryt: {"TEACHERS": ("40", "inny komentarz")}},
    )
    [message] = result.errors[(sub_a.unit.teryt, "TEACHERS")]
    assert "this explanation differs" in message
    assert dump() == before


def test_dry_run_checks_and_stores_nothing(sub_a, operator):
    before = dump()
    result = values_import(
        round_=sub_a.round,
        user=operator,
        source="excel",
        entries={sub_a.unit.teryt: {"EDU_EXP": ("200", None)}},
        dry_run=True,
    )
    assert result.ok and result.changed == {sub_a.unit.teryt: ["EDU_EXP"]}
    assert dump() == before


def test_history_rows_come_in_the_order_of_the_writes(sub_a, sub_b, participant_a, operator):
    save(sub_a, participant_a, {"EDU_EXP": "100"})
    values_import(
        round_=sub_a.round,
        user=operator,
        source="excel",
        entries={
            sub_a.unit.teryt: {"SUBSIDY": ("1", None), "EDU_EXP": ("200", None)},
            sub_b.unit.teryt: {"TEACHERS": ("3", None), "EDU_EXP": ("5", None)},
        },
    )
    changes = ValueChange.objects.filter(source="excel").order_by("pk")
    # Updates first, then the new values, each in the order of the file.
    assert [(c.value.unit_id, c.value.variable.code) for c in changes] == [
        (sub_a.unit_id, "EDU_EXP"),
        (sub_a.unit_id, "SUBSIDY"),
        (sub_b.unit_id, "TEACHERS"),
        (sub_b.unit_id, "EDU_EXP"),
    ]


def test_a_write_for_a_missing_submission_stores_nothing(sub_a, participant_a, operator):
    # The user and submissions a write records have no constraint in the database: the
    # writer checks (and on PostgreSQL locks) them itself.
    save(sub_a, participant_a, {"EDU_EXP": "100"})
    before = dump()
    gone = Submission(pk=sub_a.pk + 1000, round=sub_a.round, unit=sub_a.unit)
    variable = Value.objects.select_related("variable").get(unit=sub_a.unit).variable
    writes = [writer.Write(variable, Decimal(7), "")]
    batch = writer.UnitWrites(sub_a.unit, gone, writes, {})
    with pytest.raises(IntegrityError), transaction.atomic():
        writer.values_write_many(
            period=sub_a.round.period, batches=[batch], user=operator, source="cli"
        )
    assert dump() == before


def test_deleting_a_user_keeps_the_history_without_them(sub_a, participant_a):
    save(sub_a, participant_a, {"EDU_EXP": "100"})
    participant_a.delete()
    change = ValueChange.objects.get()
    assert change.changed_by is None and change.value.updated_by is None


# --- the round workbook, downloaded and uploaded back -------------------------------------


def _submitted(submission, user):
    from benchlearn.collection.services import submission_submit
    from tests.collection.conftest import COMPLETE

    assert save(submission, user, {**COMPLETE, "EDU_EXP": "1 234 567,89"}).ok
    submission.refresh_from_db()
    submission_submit(submission=submission, user=user, base_revision=submission.revision)


def _workbook(client, round_):
    import io

    import openpyxl

    response = client.get(f"/rounds/{round_.pk}/workbook.xlsx")
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _upload(client, round_, book, *, follow=True):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("runda.xlsx", buffer.getvalue())
    return client.post(f"/rounds/{round_.pk}/upload/", {"file": upload}, follow=follow)


def _cell(book, teryt, code):
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == teryt:
            return row[header.index(code)]
    raise AssertionError(teryt)


def test_the_downloaded_workbook_goes_back_up_with_locked_rows_skipped(
    round_, sub_a, sub_b, participant_a, operator
):
    from tests.conftest import client_for

    _submitted(sub_a, participant_a)
    client = client_for(operator)
    book = _workbook(client, round_)
    _cell(book, sub_b.unit.teryt, "TEACHERS").value = 17  # a draft: imported
    response = _upload(client, round_, book)
    page = response.content.decode()
    assert response.status_code == 200 and "1 value changed" in page
    assert "Skipped, unchanged" in page and f"{sub_a.unit.name} ({sub_a.unit.teryt}" in page
    assert by_code(sub_b.unit)["TEACHERS"].value == 17
    sub_a.refresh_from_db()
    assert sub_a.state == SubmissionState.SUBMITTED
    assert not ValueChange.objects.filter(value__unit=sub_a.unit, source="excel").exists()


def test_a_changed_row_of_locked_data_is_refused_with_the_reason(
    round_, sub_a, sub_b, participant_a, operator
):
    from tests.conftest import client_for

    _submitted(sub_a, participant_a)
    client = client_for(operator)
    book = _workbook(client, round_)
    _cell(book, sub_a.unit.teryt, "TEACHERS").value = 41  # locked: refused
    _cell(book, sub_b.unit.teryt, "TEACHERS").value = 17  # fine, but all or nothing
    before = dump()
    response = _upload(client, round_, book, follow=False)
    assert response.status_code == 400
    page = response.content.decode()
    assert "locked (submitted)" in page and "40 in Benchlearn, 41 in the file" in page
    assert "TEACHERS" in page
    assert dump() == before


def test_header_and_cell_problems_are_reported_in_one_pass(round_, sub_b, operator):
    from tests.conftest import client_for

    client = client_for(operator)
    book = _workbook(client, round_)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=1, column=len(header) + 1, value="NO_SUCH_CODE")  # a header problem
    _cell(book, sub_b.unit.teryt, "TEACHERS").value = "dużo"  # a cell problem
    _cell(book, sub_b.unit.teryt, "EDU_EXP").value = 5  # fine, but not stored
    before = dump()
    response = _upload(client, round_, book, follow=False)
    assert response.status_code == 400
    page = response.content.decode()
    assert "NO_SUCH_CODE" in page and "is not a variable of this round" in page
    assert "is not a number" in page
    assert dump() == before


def test_a_large_workbook_lists_its_skipped_rows_on_the_import_page(
    round_, sub_a, participant_a, operator, settings, tasks_run_at_once
):
    from benchlearn.collection.models import ImportJob, ImportJobState
    from tests.conftest import client_for

    settings.COLLECTION_IMPORT_SYNC_BYTES = 0  # through a background import
    _submitted(sub_a, participant_a)
    client = client_for(operator)
    response = _upload(client, round_, _workbook(client, round_))
    job = ImportJob.objects.get()
    assert job.state == ImportJobState.DONE, job.problems
    assert job.skipped == [
        {"teryt": sub_a.unit.teryt, "unit": sub_a.unit.name, "state": "submitted"}
    ]
    page = response.content.decode()
    assert "Skipped, unchanged" in page and sub_a.unit.name in page
