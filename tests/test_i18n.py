"""Polish is the default language and the translation is complete."""

import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import polib
import pytest
from django.utils import formats, translation

import benchlearn
from tests.conftest import client_for

PACKAGE = Path(benchlearn.__file__).parent
PO_FILE = PACKAGE / "locale" / "pl" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")


def test_polish_catalogue_is_complete():
    po = polib.pofile(str(PO_FILE))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    assert len(po.translated_entries()) > 100


def test_compiled_catalogue_matches_the_source():
    po = {
        (e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in polib.pofile(str(PO_FILE))
        if not e.obsolete
    }
    mo = {
        (e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in polib.mofile(str(MO_FILE))
        if e.msgid
    }
    assert po == mo, "run `make messages` to recompile the catalogue"


def test_every_translatable_string_in_the_code_is_in_the_catalogue(tmp_path):
    if shutil.which("xgettext") is None:
        if os.environ.get("BENCHLEARN_REQUIRE_GETTEXT"):
            pytest.fail("xgettext (Debian package gettext) is required to check the catalogue")
        pytest.skip("xgettext not installed (apt-get install gettext)")
    copy = tmp_path / "benchlearn"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "data", "static"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "benchlearn",
            "makemessages",
            "-l",
            "pl",
            "--no-obsolete",
            "--no-location",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    fresh = {e.msgid for e in polib.pofile(str(copy / "locale/pl/LC_MESSAGES/django.po"))}
    known = {e.msgid for e in polib.pofile(str(PO_FILE))}
    assert fresh - known == set(), "run `make messages` and translate the new strings"


def test_pages_are_polish_by_default(settings, db):
    settings.LANGUAGE_CODE = "pl"
    html = client_for(None).get("/", HTTP_ACCEPT_LANGUAGE="").content.decode()
    assert '<html lang="pl">' in html
    assert "Zaloguj się" in html
    assert "Przejdź do treści głównej" in html


def test_polish_even_when_the_browser_asks_for_english(settings, db):
    # Polish first: only the person's own choice with the switch changes the language.
    settings.LANGUAGE_CODE = "pl"
    html = client_for(None).get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert '<html lang="pl">' in html
    assert "Zaloguj się" in html


def test_language_switch_is_remembered(settings, db):
    settings.LANGUAGE_CODE = "pl"
    client = client_for(None)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert '<html lang="en">' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "pl", "next": "/"})
    assert "Zaloguj się" in client.get("/").content.decode()


def test_switch_to_an_unknown_language_changes_nothing(settings, db):
    settings.LANGUAGE_CODE = "pl"
    client = client_for(None)
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert '<html lang="pl">' in client.get("/").content.decode()


def test_polish_number_and_date_formats():
    import datetime

    with translation.override("pl"):
        assert (
            formats.number_format(Decimal("1234567.5"), 2, use_l10n=True, force_grouping=True)
            == "1\xa0234\xa0567,50"
        )
        assert formats.date_format(datetime.date(2026, 11, 23), "SHORT_DATE_FORMAT") == "23.11.2026"
    with translation.override("en"):
        assert (
            formats.number_format(Decimal("1234567.5"), 2, use_l10n=True, force_grouping=True)
            == "1,234,567.50"
        )


def test_plural_forms_follow_polish_grammar():
    with translation.override("pl"):
        words = [
            translation.ngettext("%(counter)s member unit", "%(counter)s member units", n)
            % {"counter": n}
            for n in (1, 3, 5, 22)
        ]
    assert words == [
        "1 jednostka członkowska",
        "3 jednostki członkowskie",
        "5 jednostek członkowskich",
        "22 jednostki członkowskie",
    ]


# --- the engine's messages -----------------------------------------------------------

BAD_CATALOGUE_YAML = """\
format: other
version: 2
colour: red
domains:
  - code: EDU
    name: {pl: Oświata, de: Bildung}
  - code: EDU
  - [not, a, mapping]
variables:
  - code: A
    min: lots
    source: nowhere
    domain: EDUC
    name: [a, list]
  - name: no code
indicators:
  - code: X
  - code: Y
    formula: A
    decimals: many
sets:
  - code: S
    indicators: [Y, Y, Z]
    domain: ROADS
  - code: T
    indicators: 3
"""
BAD_FORMULAS = [
    "",
    "A / (B",
    "A )",
    "A $ B",
    "A * * B",
    "foo(A)",
    "abs(A, B)",
    "round(A)",
    "sum(A)",
    "round(A, 0.5)",
    "A > B",
    "if(A, A, B)",
    "not A",
    "A and B",
    "PUPLS",
    "9" * 400,
    "(" * 2000 + "A" + ")" * 2000,
]


def _engine_messages():
    from benchlearn.engine.catalogue import Catalogue, Indicator, Variable
    from benchlearn.engine.evaluate import CatalogueError, check_catalogue
    from benchlearn.engine.formula import FormulaError, check_formula
    from benchlearn.engine.io import InputError
    from benchlearn.engine.io.catalogue_yaml import catalogue_from_yaml

    for formula in BAD_FORMULAS:
        try:
            check_formula(formula, known={"A": "variable", "B": "variable", "PUPILS": "variable"})
        except FormulaError as error:
            yield error.full
    for text in (BAD_CATALOGUE_YAML, "", "a: [b"):
        with pytest.raises(InputError) as caught:
            catalogue_from_yaml(text)
        yield from caught.value.messages
    catalogue = Catalogue(
        variables=(Variable(code="A"), Variable(code="and"), Variable(code="1x")),
        indicators=(
            Indicator(code="A", formula="A"),
            Indicator(code="X", formula="Y", numerator="(A", denominator="A +"),
            Indicator(code="Y", formula="X", numerator="A"),
        ),
    )
    with pytest.raises(CatalogueError) as caught:
        check_catalogue(catalogue)
    yield from caught.value.messages
    yield from _raking_messages()


def _raking_messages():
    import polars as pl

    from benchlearn.engine.surveys import RakingError, rake

    people = pl.DataFrame({"unit": ["A", "A", "B", "D"], "sex": ["M", None, "M", "M"], "age": "x"})
    bad = pl.DataFrame(
        {
            "group": ["A", "A", "A", "B", "C"],
            "variable": ["sex", "sex", "sex", "age", "region"],
            "category": ["M", "M", "F", "x", "n"],
            "share": [0.5, None, 0.7, 1.0, 1.0],
        }
    )
    margins = pl.DataFrame({"variable": ["sex", "sex"], "category": ["M", "F"], "share": 0.5})
    for respondents, given, options in (
        (people, bad, {"group": "unit"}),
        (people, margins, {"group": "unit"}),
        (people.drop_nulls(), margins.with_columns(share=pl.Series([1.0, 0.0])), {"cap": 1.0}),
        (pl.DataFrame({"sex": ["M", "F", "F"]}), margins, {"max_iterations": 0}),
    ):
        with pytest.raises(RakingError) as caught:
            rake(respondents, given, **options)
        yield from (problem.located() for problem in caught.value.found)


def _templates(message):
    from benchlearn.engine.messages import VERBATIM, Message

    if message.template != VERBATIM:
        yield message.template
    for value in message.params.values():
        if isinstance(value, Message):
            yield from _templates(value)


def test_every_engine_message_is_translated():
    translated = {e.msgid for e in polib.pofile(str(PO_FILE)).translated_entries()}
    templates = {t for message in _engine_messages() for t in _templates(message)}
    assert len(templates) > 40
    assert templates - translated == set()


def test_engine_messages_are_translated_inner_parts_first():
    from benchlearn.engine.formula import FormulaError, parse
    from benchlearn.i18n import translate_message

    with pytest.raises(FormulaError) as caught:
        parse("max(1)")
    with translation.override("pl"):
        assert translate_message(caught.value.text) == (
            "max(): liczba argumentów: 1, oczekiwano co najmniej: 2"
        )
        assert translate_message(caught.value.full) == (
            "max(): liczba argumentów: 1, oczekiwano co najmniej: 2 w kolumnie 1"
        )
    with translation.override("en"):
        assert translate_message(caught.value.full) == str(caught.value)
