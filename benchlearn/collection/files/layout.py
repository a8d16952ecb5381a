"""What the files look like: columns, their headers in every language of the site, the
hidden sheet that says which round, unit and template version a workbook belongs to."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

# Bump when the layout changes so that older templates are refused with a clear reason.
TEMPLATE_VERSION = 1
FORMAT = "benchlearn-values"
META_SHEET = "benchlearn"

UNIT_LAYOUT = "unit"  # one unit: a row per variable
ROUND_LAYOUT = "round"  # many units: a row per unit, a column per variable

# Columns of a unit's template: key → header (translated when written, recognised in
# every language of the site when read, so shuffled columns are found by header).
UNIT_COLUMNS = {
    "code": gettext_noop("Code"),
    "name": gettext_noop("Variable"),
    "definition": gettext_noop("Definition"),
    "unit": gettext_noop("Unit of measure"),
    "previous": gettext_noop("Last year"),
    "value": gettext_noop("Value"),
    "comment": gettext_noop("Comment"),
}
UNIT_REQUIRED = ("code", "value")
# The round workbook: TERYT and name, then one column per variable code.
ROUND_COLUMNS = {"teryt": gettext_noop("TERYT"), "unit_name": gettext_noop("Unit")}
# CSV: a row per unit and variable (long), which holds comments too.
CSV_COLUMNS = {
    "teryt": gettext_noop("TERYT"),
    "code": gettext_noop("Code"),
    "value": gettext_noop("Value"),
    "comment": gettext_noop("Comment"),
}
CSV_REQUIRED = ("teryt", "code", "value")


def headers(columns: dict[str, str]) -> dict[str, str]:
    """Header text (normalised) → column key, in every language of the site."""
    known = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for key, text in columns.items():
                known[normalised(_(text))] = key
    return known


def normalised(header: object) -> str:
    return " ".join(str(header or "").split()).casefold()


def shown_headers(columns: dict[str, str], keys: Iterable[str]) -> str:
    return ", ".join(f"“{_(columns[key])}”" for key in keys)


def variables_checksum(codes: Iterable[str]) -> str:
    """A short fingerprint of the round's variable list, written in the template: a file
    made for another list of variables is refused."""
    return hashlib.sha256("\n".join(sorted(codes)).encode()).hexdigest()[:16]


def variable_name(variable: object) -> str:
    english = translation.get_language() == "en"
    name_en, name_pl = getattr(variable, "name_en", ""), getattr(variable, "name_pl", "")
    return str(name_en if english and name_en else name_pl)


def variable_definition(variable: object) -> str:
    english = translation.get_language() == "en"
    en, pl = getattr(variable, "definition_en", ""), getattr(variable, "definition_pl", "")
    return str(en if english and en else pl)
