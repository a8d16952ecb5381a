"""Responses imported into a survey from a file: LimeSurvey's CSV export of responses
(headings are question codes, ``Q1``, ``Q2[SQ001]`` for an array's item, answers are
codes like ``A1``) or a plain CSV (a row per response, a column per question).

The file is read like the data import's CSV files (UTF-8, ``;``/``,``/tab, refused
clearly otherwise); a *mapping* says which column holds which question's answers (or
the unit's TERYT code) and how the file's answer codes translate into the
questionnaire's. Everything is checked before anything is stored: one problem and
nothing is imported, every problem named by line and column. An import is recorded in
the survey's history (who, when, the file's name, how many responses)."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.collection.files.csv_io import read_csv
from benchlearn.collection.files.problems import FileRefused, column_letter
from benchlearn.surveys.answering import choice_codes, is_shown
from benchlearn.surveys.editing import SurveyError
from benchlearn.surveys.models import (
    Question,
    QuestionKind,
    Response,
    ResponseMode,
    Survey,
    SurveyEvent,
    SurveyMode,
    SurveyState,
)
from benchlearn.surveys.running import typed_answer

LIMESURVEY, CSV = "limesurvey", "csv"
FORMATS = (LIMESURVEY, CSV)
UNIT = "unit"  # the mapping's target for the column of TERYT codes
MAX_PROBLEMS = 200
MAX_TEXT = 2000  # characters of an open answer, as on the paper entry screen
# LimeSurvey's columns that are no question (kept out of the guessed mapping).
_LIMESURVEY_META = {
    "id",
    "submitdate",
    "lastpage",
    "startlanguage",
    "seed",
    "token",
    "startdate",
    "datestamp",
    "ipaddr",
    "refurl",
}
_ARRAY = re.compile(r"^([A-Za-z0-9_]+)\[([A-Za-z0-9_-]+)\]$")
_TRUE = {"y", "yes", "1", "tak", "t", "x"}


def max_bytes() -> int:
    return int(settings.COLLECTION_IMPORT_MAX_BYTES)


@dataclass(frozen=True)
class ImportProblem:
    """What is wrong, where: the file's line (1 = the headings) and column."""

    message: str
    line: int = 0
    column: str = ""

    def __str__(self) -> str:
        place = []
        if self.line:
            place.append(_("line %(line)s") % {"line": self.line})
        if self.column:
            place.append(_("column %(column)s") % {"column": self.column})
        where = ", ".join(place)
        return f"{where[:1].upper()}{where[1:]}: {self.message}" if where else self.message


class ImportRefused(SurveyError):
    """Nothing was imported; ``problems`` say why, by line and column."""

    def __init__(self, problems: Sequence[ImportProblem]) -> None:
        super().__init__(_("Nothing was imported: correct the problems listed and try again."))
        self.problems = list(problems)

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


@dataclass
class Table:
    name: str
    headings: list[str]
    rows: list[tuple[int, list[str]]]  # (line, cells)


@dataclass
class ImportMapping:
    """``columns``: heading → question code, ``"unit"`` or ``""`` (left out);
    ``answers``: question code → {the file's answer → the questionnaire's code};
    ``unit``: the TERYT code of every response when no column holds it."""

    columns: dict[str, str] = field(default_factory=dict)
    answers: dict[str, dict[str, str]] = field(default_factory=dict)
    unit: str = ""


@dataclass
class ImportResult:
    count: int
    by_unit: dict[str, int]
    skipped: int  # LimeSurvey's incomplete responses (no submitdate)
    dry_run: bool


def read_table(data: bytes, name: str) -> Table:
    """The file's headings and rows, or ImportRefused saying why it cannot be read."""
    if len(data) > max_bytes():
        raise ImportRefused(
            [
                ImportProblem(
                    _("The file is larger than %(mb)s MB: split it into smaller files.")
                    % {"mb": max_bytes() // (1024 * 1024)}
                )
            ]
        )
    if not data.strip(b"\xef\xbb\xbf \r\n\t"):
        raise ImportRefused([ImportProblem(_("The file is empty."))])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "import.csv"
        path.write_bytes(data)
        try:
            rows = list(read_csv(path, name))
        except FileRefused as refused:
            raise ImportRefused(
                [ImportProblem(problem.message, line=problem.line) for problem in refused.problems]
            ) from None
    if not rows:
        raise ImportRefused([ImportProblem(_("The file is empty."))])
    line, headings = rows[0]
    headings = [heading.strip() for heading in headings]
    if len(headings) < 2:
        raise ImportRefused(
            [
                ImportProblem(
                    _(
                        "Only one column was found: the columns must be separated by "
                        "a semicolon, a comma or a tab."
                    ),
                    line=line,
                )
            ]
        )
    seen: set[str] = set()
    for index, heading in enumerate(headings):
        if not heading:
            raise ImportRefused(
                [ImportProblem(_("A column has no heading."), line, column_letter(index))]
            )
        if heading in seen:
            raise ImportRefused(
                [ImportProblem(_("Two columns have the same heading."), line, heading)]
            )
        seen.add(heading)
    if len(rows) == 1:
        raise ImportRefused([ImportProblem(_("The file holds headings but no responses."))])
    return Table(name=name, headings=headings, rows=rows[1:])


def _questions(survey: Survey) -> list[Question]:
    return list(survey.questionnaire_version.questions.order_by("position", "pk"))


def _heading_code(heading: str) -> str:
    """``Q1. How satisfied…`` (LimeSurvey's "code and text" headings) → ``Q1``."""
    return heading.split(". ", 1)[0].strip() if ". " in heading else heading.strip()


def guess_mapping(table: Table, survey: Survey, fmt: str = CSV) -> ImportMapping:
    """The mapping the screen starts from: headings that are a question's code
    (in any case; ``Q2[SQ001]`` as ``Q2_SQ001``, or ``Q2``'s option for a multiple
    choice), a ``unit``/``teryt`` column, and LimeSurvey's answer codes ``A1``… read as
    ``1``…"""
    questions = {question.code.lower(): question for question in _questions(survey)}
    mapping = ImportMapping()
    for heading in table.headings:
        code = _heading_code(heading)
        low = code.lower()
        target = ""
        if low in {"unit", "teryt", "jednostka"}:
            target = UNIT
        elif low in questions:
            target = questions[low].code
        else:
            array = _ARRAY.match(code)
            if array:
                joined = f"{array.group(1)}_{array.group(2)}".lower()
                if joined in questions:
                    target = questions[joined].code
                elif array.group(2).lower() in questions:
                    target = questions[array.group(2).lower()].code
                elif array.group(1).lower() in questions:
                    target = questions[array.group(1).lower()].code
        if fmt == LIMESURVEY and low in _LIMESURVEY_META:
            target = ""
        mapping.columns[heading] = target
    mapping.answers = guess_answers(table, survey, mapping.columns)
    return mapping


def guess_answers(
    table: Table, survey: Survey, columns: Mapping[str, str]
) -> dict[str, dict[str, str]]:
    """The file's answers that are no code of their question but read as one:
    LimeSurvey's ``A1``… as ``1``…, ``01`` as ``1``, ``-oth-``/``N/A`` as 9."""
    result: dict[str, dict[str, str]] = {}
    for question in _questions(survey):
        if question.kind in (QuestionKind.TEXT, QuestionKind.NUMBER):
            continue
        codes = choice_codes(question)
        used = {
            cell.strip()
            for heading, target in columns.items()
            if target == question.code and heading in table.headings
            for _line, cells in table.rows[:5000]
            for cell in cells[table.headings.index(heading) : table.headings.index(heading) + 1]
            if cell.strip()
        }
        wanted = {}
        for value in sorted(used):
            if value in codes:
                continue
            if value[:1] in "Aa" and value[1:] in codes:
                wanted[value] = value[1:]
            elif value.lstrip("0") in codes:
                wanted[value] = value.lstrip("0")
            elif value.lower() in {"-oth-", "n/a", "na"} and str(9) in codes:
                wanted[value] = "9"
        if wanted:
            result[question.code] = wanted
    return result


def preview(table: Table, count: int = 5) -> list[tuple[int, list[str]]]:
    return table.rows[:count]


def _check_mapping(
    table: Table, survey: Survey, mapping: ImportMapping, questions: dict[str, Question]
) -> list[ImportProblem]:
    problems = []
    for heading, target in mapping.columns.items():
        if heading not in table.headings:
            problems.append(ImportProblem(_("The file has no such column."), 1, heading))
        elif target and target != UNIT and target not in questions:
            problems.append(
                ImportProblem(
                    _("The questionnaire has no question %(code)s.") % {"code": target},
                    1,
                    heading,
                )
            )
    targets = [target for target in mapping.columns.values() if target]
    if UNIT not in targets and not mapping.unit:
        problems.append(
            ImportProblem(
                _(
                    "No column holds the unit's TERYT code: name one (a column "
                    "“unit”) or choose the unit of every response."
                )
            )
        )
    if targets.count(UNIT) > 1:
        problems.append(ImportProblem(_("Only one column may hold the unit.")))
    if not [target for target in targets if target != UNIT]:
        problems.append(ImportProblem(_("No column is mapped to a question.")))
    for target in set(targets) - {UNIT}:
        question = questions.get(target)
        if (
            question is not None
            and targets.count(target) > 1
            and question.kind != QuestionKind.MULTIPLE
        ):
            problems.append(
                ImportProblem(
                    _("Several columns are mapped to question %(code)s.") % {"code": target}
                )
            )
    return problems


def parse(
    table: Table, survey: Survey, mapping: ImportMapping
) -> tuple[list[tuple[int, dict[str, Any]]], int, list[ImportProblem]]:
    """Each response's (unit id, answers), the LimeSurvey rows left out as incomplete,
    and the problems (line and column)."""
    question_list = _questions(survey)
    questions = {question.code: question for question in question_list}
    problems = _check_mapping(table, survey, mapping, questions)
    if problems:
        return [], 0, problems
    units = dict(survey.survey_units.values_list("unit__teryt", "unit_id"))
    index = {heading: position for position, heading in enumerate(table.headings)}
    unit_heading = next((h for h, target in mapping.columns.items() if target == UNIT), "")
    fixed_unit = mapping.unit.strip()
    if fixed_unit and fixed_unit not in units:
        problems.append(
            ImportProblem(
                _("The unit %(teryt)s does not take part in the survey.") % {"teryt": fixed_unit}
            )
        )
        return [], 0, problems
    submit = index.get("submitdate")
    responses: list[tuple[int, dict[str, Any]]] = []
    skipped = 0
    for line, cells in table.rows:
        if len(problems) >= MAX_PROBLEMS:
            problems.append(
                ImportProblem(
                    _("More than %(count)s problems: the rest of the file was not read.")
                    % {"count": MAX_PROBLEMS}
                )
            )
            break
        if len(cells) > len(table.headings) and any(c.strip() for c in cells[len(index) :]):
            problems.append(
                ImportProblem(
                    _(
                        "The line has more cells than there are headings (a separator "
                        "inside a cell not in quotes?)."
                    ),
                    line,
                )
            )
            continue
        if submit is not None and submit < len(cells) and not cells[submit].strip():
            skipped += 1
            continue
        teryt = fixed_unit
        if unit_heading:
            position = index[unit_heading]
            teryt = cells[position].strip() if position < len(cells) else ""
            if teryt.isdigit() and len(teryt) < 7:
                teryt = teryt.zfill(7)
            if not teryt:
                problems.append(ImportProblem(_("The unit is missing."), line, unit_heading))
                continue
            if teryt not in units:
                problems.append(
                    ImportProblem(
                        _("The unit %(teryt)s does not take part in the survey.")
                        % {"teryt": teryt},
                        line,
                        unit_heading,
                    )
                )
                continue
        typed: dict[str, tuple[str, str]] = {}  # question code → (text, heading)
        for heading, target in mapping.columns.items():
            if not target or target == UNIT:
                continue
            position = index[heading]
            text = cells[position].strip() if position < len(cells) else ""
            if not text:
                continue
            question = questions[target]
            translate = mapping.answers.get(target, {})
            if question.kind == QuestionKind.MULTIPLE and _ARRAY.match(_heading_code(heading)):
                # LimeSurvey's multiple choice: a column per option, "Y" when chosen.
                if text.lower() not in _TRUE:
                    continue
                option = _ARRAY.match(_heading_code(heading)).group(2)  # type: ignore[union-attr]
                text = translate.get(option, option)
                before = typed.get(target, ("", heading))[0]
                typed[target] = (f"{before} {text}".strip(), heading)
                continue
            typed[target] = (translate.get(text, text), heading)
        answers: dict[str, Any] = {}
        for question in question_list:
            if question.code not in typed or not is_shown(question, answers):
                continue
            text, heading = typed[question.code]
            if len(text) > MAX_TEXT:
                problems.append(
                    ImportProblem(
                        _("The answer is longer than %(count)s characters.") % {"count": MAX_TEXT},
                        line,
                        heading,
                    )
                )
                continue
            try:
                answers[question.code] = typed_answer(question, text)
            except SurveyError as error:
                problems.append(ImportProblem(error.message, line, heading))
        if not answers and not any(p.line == line for p in problems):
            problems.append(ImportProblem(_("The response holds no answer."), line))
            continue
        responses.append((units[teryt], answers))
    return responses, skipped, problems


@transaction.atomic
def responses_import(
    *,
    survey: Survey,
    table: Table,
    mapping: ImportMapping,
    by: User | None,
    fmt: str = CSV,
    dry_run: bool = False,
) -> ImportResult:
    """Import every response of ``table`` into ``survey`` (mode "import"), or none:
    ImportRefused with the problems. ``dry_run``: check only, store nothing."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if SurveyMode.IMPORT not in survey.modes:
        raise ImportRefused(
            [ImportProblem(_("This survey takes no imported responses (mode “import”)."))]
        )
    if survey.state == SurveyState.CLOSED:
        raise ImportRefused([ImportProblem(_("The survey is closed: it is not changed any more."))])
    responses, skipped, problems = parse(table, survey, mapping)
    if problems:
        raise ImportRefused(problems)
    if not responses:
        raise ImportRefused([ImportProblem(_("The file holds no complete response."))])
    teryts = dict(survey.survey_units.values_list("unit_id", "unit__teryt"))
    by_unit: dict[str, int] = {}
    for unit_id, _answers in responses:
        by_unit[teryts[unit_id]] = by_unit.get(teryts[unit_id], 0) + 1
    result = ImportResult(count=len(responses), by_unit=by_unit, skipped=skipped, dry_run=dry_run)
    if dry_run:
        return result
    now = timezone.now()
    Response.objects.bulk_create(
        (
            Response(
                survey=survey,
                unit_id=unit_id,
                mode=ResponseMode.IMPORT,
                answers=answers,
                started_at=now,
                submitted_at=now,
                entered_by=by,
            )
            for unit_id, answers in responses
        ),
        batch_size=1000,
    )
    SurveyEvent.objects.create(
        survey=survey,
        kind="imported",
        old=None,
        new={
            "file": table.name[:200],
            "format": fmt,
            "count": len(responses),
            "units": dict(sorted(by_unit.items())),
        },
        by=by,
        at=now,
    )
    Survey.objects.filter(pk=survey.pk).update(updated_at=now)
    return result


def mapping_from_pairs(
    columns: Mapping[str, str], answers: Mapping[str, str], unit: str = ""
) -> ImportMapping:
    """A mapping from the screen's fields: ``answers`` by question code as text lines
    ``file=code`` (or ``file code``), one a line."""
    parsed: dict[str, dict[str, str]] = {}
    for code, text in answers.items():
        pairs = {}
        for raw in text.replace(";", "\n").splitlines():
            if "=" in raw:
                left, right = raw.split("=", 1)
                if left.strip() and right.strip():
                    pairs[left.strip()] = right.strip()
        if pairs:
            parsed[code] = pairs
    return ImportMapping(columns=dict(columns), answers=parsed, unit=unit)
