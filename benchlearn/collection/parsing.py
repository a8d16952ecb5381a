"""Reading numbers as Polish people type them: ``1 234,56``, ``-12,5``, ``1234.56``.

One function, ``parse_number``, used by the form, the Excel and CSV imports and the
API alike, so that a value means the same whichever way it came in.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

# What Value.value can hold: DecimalField(max_digits=20, decimal_places=6).
MAX_DECIMAL_PLACES = 6
MAX_INTEGER_DIGITS = 14

# Spaces people and spreadsheets put between thousands: space, no-break space, narrow
# no-break space (Polish locale in LibreOffice and newer Excel), thin space.
GROUP_SPACES = " \u00a0\u202f\u2009"
MINUS_SIGNS = "-\u2212\u2013"  # hyphen-minus, minus sign, en dash (Word's autocorrect)

_SPREADSHEET_ERROR = re.compile(r"^#[A-Z0-9/]+[!?]?$|^#N/A$", re.IGNORECASE)
_DATE = re.compile(
    r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$|^\d{4}-\d{2}-\d{2}[T ]"
)
_GROUPED = re.compile(r"^\d{1,3}( \d{3})+$")
_DOT_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")
_DIGITS = re.compile(r"^\d+$")


class NumberError(ValueError):
    """The text is not a number we accept; ``message`` says why, in the active language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_number(text: str | None) -> Decimal | None:
    """The number in ``text`` (Polish conventions), or None when it is empty.

    Accepted: ``1234``, ``1 234,56`` (space, no-break or narrow no-break space between
    thousands), ``1234,56``, ``-12,5``, ``1.234,56``, and ``1234.56`` (a decimal dot when
    there is no comma and it cannot be a thousands separator). Refused with a message
    saying why: letters and units, ``1.234`` (a thousands dot or a decimal dot? — asks
    for a comma), several decimal commas, dates, spreadsheet errors such as ``#DIV/0!``,
    more than 14 digits before or 6 after the decimal separator.
    """
    if text is None:
        return None
    stripped = text.strip(" \t\r\n\u00a0\u202f\u2009")
    if not stripped:
        return None
    if _SPREADSHEET_ERROR.match(stripped):
        raise NumberError(
            _(
                "“%(text)s” is a spreadsheet error, not a number: correct the formula or type the "
                "value."
            )
            % {"text": stripped}
        )
    if _DATE.match(stripped):
        raise NumberError(_("“%(text)s” looks like a date, not a number.") % {"text": stripped})
    sign, body = _sign(stripped)
    body = "".join(" " if char in GROUP_SPACES else char for char in body)
    if not body or any(not (char.isdigit() or char in " ,.") for char in body):
        raise NumberError(
            _("“%(text)s” is not a number: use only digits, a minus sign and a decimal comma.")
            % {"text": stripped}
        )
    integer, fraction = _split(body, stripped)
    return _decimal(sign, integer, fraction, stripped)


def _sign(text: str) -> tuple[str, str]:
    if text[0] in MINUS_SIGNS:
        return "-", text[1:].lstrip(GROUP_SPACES)
    if text[0] == "+":
        return "", text[1:].lstrip(GROUP_SPACES)
    return "", text


def _split(body: str, shown: str) -> tuple[str, str]:
    """The integer digits and the decimal digits of ``body`` (digits, spaces, , and .)."""
    if body.count(",") > 1:
        raise NumberError(_("“%(text)s” has more than one decimal comma.") % {"text": shown})
    if "," in body:
        integer, fraction = body.split(",")
        if "." in fraction:
            raise NumberError(
                _(
                    "“%(text)s” is ambiguous: use a comma for decimals and no thousands separator "
                    "other than a space."
                )
                % {"text": shown}
            )
        if "." in integer:
            # 1.234,56: dots between thousands, as some spreadsheets write them.
            if not _DOT_GROUPED.match(integer):
                raise NumberError(_("“%(text)s” is not a number.") % {"text": shown})
            integer = integer.replace(".", "")
    elif "." in body:
        if body.count(".") > 1 or (
            re.fullmatch(r"\d{1,3}\.\d{3}", body) and not body.startswith("0")
        ):
            raise NumberError(
                _(
                    "“%(text)s” is ambiguous (a thousands separator or decimals?): use a comma "
                    "for decimals, for example 1234,5."
                )
                % {"text": shown}
            )
        integer, fraction = body.split(".")
    else:
        integer, fraction = body, ""
    if " " in integer:
        if not _GROUPED.match(integer):
            raise NumberError(
                _(
                    "“%(text)s” has spaces in the wrong places: separate thousands in groups of "
                    "three digits."
                )
                % {"text": shown}
            )
        integer = integer.replace(" ", "")
    if not _DIGITS.match(integer) or (fraction and not _DIGITS.match(fraction)):
        raise NumberError(_("“%(text)s” is not a number.") % {"text": shown})
    return integer, fraction


def _decimal(sign: str, integer: str, fraction: str, shown: str) -> Decimal:
    fraction = fraction.rstrip("0")
    if len(integer.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise NumberError(
            _("“%(text)s” has too many digits: at most %(digits)s before the decimal comma.")
            % {"text": shown, "digits": MAX_INTEGER_DIGITS}
        )
    if len(fraction) > MAX_DECIMAL_PLACES:
        raise NumberError(
            _("“%(text)s” has too many decimal places: at most %(places)s.")
            % {"text": shown, "places": MAX_DECIMAL_PLACES}
        )
    try:
        number = Decimal(f"{sign}{integer}.{fraction}" if fraction else f"{sign}{integer}")
    except InvalidOperation:  # pragma: no cover - the checks above leave only digits
        raise NumberError(_("“%(text)s” is not a number.") % {"text": shown}) from None
    return number + 0 if number else Decimal(0)  # no negative zero


def checked_decimal(number: Decimal) -> Decimal:
    """``number`` (from a spreadsheet cell or the API) if a value can hold it; raises
    NumberError for too many digits and for infinities and NaN."""
    if not number.is_finite():
        raise NumberError(_("“%(text)s” is not a number.") % {"text": str(number)})
    text = format(number, "f")
    sign = "-" if text.startswith("-") else ""
    integer, _dot, fraction = text.lstrip("-").partition(".")
    return _decimal(sign, integer, fraction, text)
