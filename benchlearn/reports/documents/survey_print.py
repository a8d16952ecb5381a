"""A survey's printed matter: letters for an address-based sample (one page per
single-use code: the link, the code, its QR code; ``typst/letters.typ``) and the paper
questionnaire a unit hands out (``typst/paper.typ``), with each answer's code printed
beside it for the office's entry screen. Made for the office only."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from benchlearn.qr import qr_svg
from benchlearn.reports.pdf import render_pdf
from benchlearn.surveys.models import DONT_KNOW, Question, QuestionKind, Survey, SurveyUnit
from benchlearn.surveys.office import code_link, code_page_link, open_link


def _english() -> bool:
    return (get_language() or "pl").startswith("en")


def _text(pl: str, en: str) -> str:
    return en if _english() and en else pl


def _title(survey: Survey) -> str:
    questionnaire = survey.questionnaire_version.questionnaire
    return _text(questionnaire.name_pl, questionnaire.name_en) or survey.name


def letters_pdf(survey_unit: SurveyUnit, batch: int) -> bytes:
    """One letter per code of ``batch`` for the survey's unit (in code order)."""
    survey, unit = survey_unit.survey, survey_unit.unit
    codes = list(
        survey.codes.filter(unit=unit, batch=batch).order_by("code").values_list("code", flat=True)
    )
    letters = [
        {
            "unit": f"{unit.name} ({unit.teryt})",
            "code": code,
            "url": code_page_link(),
            "qr": f"image-{n}",
        }
        for n, code in enumerate(codes)
    ]
    images = {f"image-{n}": qr_svg(code_link(code), quick=True) for n, code in enumerate(codes)}
    data = {
        "letters": letters,
        "heading": _("Survey: %(name)s") % {"name": _title(survey)},
        "paragraphs": [
            _(
                "Dear Resident, %(unit)s asks for your opinion on its services. Answering "
                "takes about ten minutes and needs no account."
            )
            % {"unit": unit.name},
            _(
                "Open the address below and type the code, or scan the QR code with a "
                "phone's camera. The code can be used once."
            ),
        ],
        "link-label": _("Address"),
        "code-label": _("Your code"),
        "qr-alt": _("QR code that opens the survey with your code"),
        "closing": [_("Thank you for your answers.")],
        "privacy": _(
            "The survey is anonymous: the code is not linked to your address, and no "
            "personal data or network addresses are stored."
        ),
    }
    return render_pdf(
        template="letters.typ",
        data=data,
        title=_("Survey letters: %(unit)s") % {"unit": unit.name},
        images=images,
    )


def _choices(question: Question) -> list[dict[str, str]]:
    if question.kind == QuestionKind.SCALE5:
        labels = [
            _("very dissatisfied"),
            _("dissatisfied"),
            _("neither satisfied nor dissatisfied"),
            _("satisfied"),
            _("very satisfied"),
        ]
        shown = [{"code": str(n), "label": label} for n, label in enumerate(labels, start=1)]
    elif question.kind == QuestionKind.NPS:
        shown = [{"code": str(n), "label": ""} for n in range(11)]
    else:
        shown = [
            {
                "code": str(option.get("code", "")),
                "label": _text(option.get("label_pl", ""), option.get("label_en", "")),
            }
            for option in question.options
        ]
    if question.dont_know and question.kind != QuestionKind.NPS:
        shown.append({"code": str(DONT_KNOW), "label": _("don't know / don't use")})
    return shown


def _hint(question: Question) -> str:
    if question.kind == QuestionKind.MULTIPLE:
        return _("Tick every answer that applies.")
    if question.kind == QuestionKind.NPS:
        return _("0 = not at all likely, 10 = extremely likely.")
    if question.kind == QuestionKind.NUMBER:
        return _("Write a number.")
    if question.kind == QuestionKind.TEXT:
        return ""
    return _("Tick one answer.")


def paper_pdf(survey_unit: SurveyUnit) -> bytes:
    """The paper questionnaire of the survey for its unit: every question in order,
    each answer with its code, boxes to tick, lines to write on."""
    survey, unit = survey_unit.survey, survey_unit.unit
    version = survey.questionnaire_version
    questions = list(version.questions.order_by("position", "pk"))
    by_code = {question.code: n for n, question in enumerate(questions, start=1)}
    items: list[dict[str, Any]] = []
    for n, question in enumerate(questions, start=1):
        condition = ""
        if question.show_if:
            asked = by_code.get(str(question.show_if.get("question")), "?")
            condition = _("Answer only if you answered %(answers)s to question %(number)s.") % {
                "answers": ", ".join(str(v) for v in question.show_if.get("in", [])),
                "number": asked,
            }
        items.append(
            {
                "number": str(n),
                "code": question.code,
                "text": _text(question.text_pl, question.text_en),
                "help": _text(question.help_pl, question.help_en),
                "hint": _hint(question),
                "condition": condition,
                "kind": question.kind,
                "choices": _choices(question),
            }
        )
    data = {
        "heading": _title(survey),
        "unit": f"{unit.name} ({unit.teryt})",
        "intro": [
            paragraph for paragraph in (_text(version.intro_pl, version.intro_en),) if paragraph
        ]
        + [
            _(
                "Please answer by ticking a box or writing in the space given, and return "
                "the form to the office of %(unit)s. You may also answer online: %(link)s"
            )
            % {"unit": unit.name, "link": open_link(survey_unit)}
        ],
        "questions": items,
        "code-label": _("code"),
        "thanks": _("Thank you for your answers."),
        "office": _("For the office: survey %(survey)s, unit %(teryt)s, version %(version)s.")
        % {"survey": survey.pk, "teryt": unit.teryt, "version": version.number},
    }
    return render_pdf(
        template="paper.typ",
        data=data,
        title=_("Paper questionnaire: %(unit)s") % {"unit": unit.name},
    )
