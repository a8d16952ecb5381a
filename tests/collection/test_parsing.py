"""Numbers as Polish people type them, and clear refusals of everything else."""

from decimal import Decimal

import pytest

from benchlearn.collection.parsing import NumberError, checked_decimal, parse_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,56", Decimal("1234.56")),
        ("1234,56", Decimal("1234.56")),
        ("1\u00a0234,56", Decimal("1234.56")),  # no-break space
        ("1\u202f234\u202f567", Decimal("1234567")),  # narrow no-break space
        ("12 345 678,9", Decimal("12345678.9")),
        ("-12,5", Decimal("-12.5")),
        ("\u221212,5", Decimal("-12.5")),  # the minus sign
        ("1234.56", Decimal("1234.56")),
        ("0.234", Decimal("0.234")),
        ("1.2345", Decimal("1.2345")),
        ("1.234,56", Decimal("1234.56")),
        ("  42  ", Decimal("42")),
        ("0", Decimal("0")),
        ("-0", Decimal("0")),
        ("1,500000000", Decimal("1.5")),  # trailing zeros are not extra places
        ("99999999999999,999999", Decimal("99999999999999.999999")),
    ],
)
def test_polish_numbers_are_read(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "\u00a0", None])
def test_empty_is_none(text):
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "is not a number: use only digits"),
        ("12 zł", "is not a number: use only digits"),
        ("12%", "is not a number: use only digits"),
        ("1e5", "is not a number: use only digits"),
        ("1.234", "use a comma for decimals"),
        ("1.234.567", "use a comma for decimals"),
        ("1,234.5", "use a comma for decimals"),
        ("1,2,3", "more than one decimal comma"),
        ("2024-01-05", "looks like a date"),
        ("05.01.2024", "looks like a date"),
        ("5/1/2024", "looks like a date"),
        ("#DIV/0!", "spreadsheet error"),
        ("#N/A", "spreadsheet error"),
        ("#VALUE!", "spreadsheet error"),
        ("123456789012345", "too many digits: at most 14"),
        ("1,1234567", "too many decimal places: at most 6"),
        ("12 34", "groups of three digits"),
        ("-", "is not a number"),
    ],
)
def test_bad_input_is_refused_with_its_reason(text, message):
    with pytest.raises(NumberError) as refused:
        parse_number(text)
    assert message in refused.value.message
    assert text.strip() in refused.value.message


def test_messages_are_polish_in_polish():
    from django.utils import translation

    with translation.override("pl"), pytest.raises(NumberError) as refused:
        parse_number("1.234")
    assert "przecink" in refused.value.message


def test_decimals_from_spreadsheets_are_checked():
    assert checked_decimal(Decimal("1234.5")) == Decimal("1234.5")
    with pytest.raises(NumberError):
        checked_decimal(Decimal("0.1234567"))
    with pytest.raises(NumberError):
        checked_decimal(Decimal("NaN"))
