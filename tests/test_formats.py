"""Numbers, money, units of measure and dates as each language writes them: money with
two decimals (612 345 678,90 zł), no programmer notation (1e+15) in any message, the
catalogue's Polish units in English on English pages, dates never month-first."""

import datetime
import re
from decimal import Decimal

import pytest
import yaml
from django.utils import formats, translation

from benchlearn.collection.templatetags.collection import measure, number
from benchlearn.engine.io.catalogue_yaml import default_catalogue_text
from benchlearn.formats.measures import (
    SYMBOLS,
    catalogue_units,
    is_money,
    money_decimals,
    unit_in,
)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("pl", "612\xa0345\xa0678,90"), ("en", "612,345,678.90")],
)
def test_money_keeps_two_decimals(language, expected):
    with translation.override(language):
        assert number(Decimal("612345678.9"), "zł") == expected
        assert number(612345678.9, "zł/mieszk.") == expected
        # Not money: the value as stored, without trailing zeros.
        assert number(Decimal("612345678.9"), "osoby") == expected[:-1]
        assert number(Decimal("1000000000000000")) == (
            "1\xa0000\xa0000\xa0000\xa0000\xa0000" if language == "pl" else "1,000,000,000,000,000"
        )


def test_what_is_money():
    assert all(is_money(u) for u in ("zł", "zł/ucznia", "PLN", "tys. zł", "zł/m³"))
    assert not any(is_money(u) for u in ("%", "osoby", "złoża", "km", ""))
    assert money_decimals("zł", 0) == 2 and money_decimals("zł", 3) == 3
    assert money_decimals("osoby", 0) == 0


@pytest.mark.parametrize(
    ("polish", "english"),
    [
        ("zł", "PLN"),
        ("zł/mieszk.", "PLN/resident"),
        ("zł/ucznia", "PLN/pupil"),
        ("os./1000 mieszk.", "persons/1,000 residents"),
        ("os./1000 mieszk. 65+", "persons/1,000 residents aged 65+"),
        ("zł na mieszkańca", "PLN per resident"),
        ("osób na 1000 mieszkańców", "persons per 1,000 residents"),
        ("etaty", "FTEs"),
        ("m²", "m²"),
        ("km", "km"),
        ("pkt proc.", "percentage points"),
        ("godz./tydz.", "hours/week"),
        ("skargi/10 tys. mieszk.", "complaints/10,000 residents"),
        ("sprawy/etat", "cases/FTE"),
        ("%", "%"),
        ("km²", "km²"),
    ],
)
def test_units_of_measure_are_translated_in_english(polish, english):
    assert unit_in(polish, "en") == english
    assert unit_in(polish, "pl") == polish
    with translation.override("en"):
        assert measure(polish) == english


def _words(text: str) -> set[str]:
    return set(re.findall(r"[^\W\d_]+", text))


def test_every_unit_of_the_default_catalogue_reads_in_english_as_a_whole():
    catalogue = yaml.safe_load(default_catalogue_text())
    units = {
        item["unit"]
        for kind in ("variables", "indicators")
        for item in catalogue[kind]
        if item.get("unit")
    }
    assert len(units) > 30
    polish_words = {word for unit in units for word in _words(unit)} - SYMBOLS
    for unit in sorted(units):
        english = unit_in(unit, "en")
        # Each unit from the table of whole units, or a symbol read the same in English.
        assert unit in catalogue_units() or unit in SYMBOLS, unit
        assert not re.search("[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]", english), (unit, english)
        left = _words(english) & polish_words
        assert not left, (unit, english, left)
        with translation.override("en"):
            assert measure(unit) == english
        with translation.override("pl"):
            assert measure(unit) == unit


def test_a_unit_outside_the_catalogue_is_translated_word_for_word():
    assert unit_in("zł na 1000 mieszkańców", "en") == "PLN per 1000 residents"
    assert unit_in("etatów/1000 mieszk.", "en") == "FTEs/1000 residents"
    assert unit_in("litry/os.", "en") == "litry/person"  # an unknown word stays


def test_english_dates_are_day_first_with_the_month_in_words():
    day = datetime.date(2026, 12, 6)
    moment = datetime.datetime(2026, 12, 6, 16, 5)
    with translation.override("en"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "6 Dec 2026"
        assert formats.date_format(day, "DATE_FORMAT") == "6 December 2026"
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "6 Dec 2026, 16:05"
    with translation.override("pl"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "06.12.2026"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_workbooks_range_message_has_no_exponent(language):
    from benchlearn.catalogue.models import Variable
    from benchlearn.collection.files.xlsx_write import _validation

    with translation.override(language):
        unbounded = _validation(Variable(code="X", name_pl="X"))
        assert unbounded.error in ("Type a number.", "Wpisz liczbę.")
        upper = _validation(Variable(code="Y", name_pl="Y", minimum=0, maximum=1e15))
        assert "e+" not in upper.error and "E+" not in upper.error
        assert ("1\xa0000\xa0000\xa0000\xa0000\xa0000" in upper.error) == (language == "pl")
        only_low = _validation(Variable(code="Z", name_pl="Z", minimum=0))
        assert "e+" not in only_low.error and "0" in only_low.error


def test_validation_rules_print_their_sides_from_the_parsed_formula():
    from benchlearn.catalogue.models import Operator, ValidationRule

    rule = ValidationRule(
        code="R", left="PUPILS/(TEACHERS+TEACHERS_PT)", operator=Operator.BETWEEN, right="5"
    )
    rule.upper = "30"
    with translation.override("en"):
        assert rule.expression == "PUPILS / (TEACHERS + TEACHERS_PT) between 5 and 30"
    rule.operator, rule.right = Operator.LE, "((A-B))"
    assert rule.expression == "PUPILS / (TEACHERS + TEACHERS_PT) ≤ A - B"
