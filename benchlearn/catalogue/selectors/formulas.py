"""The live formula check of the indicator form: syntax, unknown codes, cycles,
and a preview of the values on a few units."""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl
from django.utils.translation import gettext as _

from benchlearn.accounts.access import Perm, require
from benchlearn.catalogue.selectors.engine_view import (
    engine_catalogue,
    needed_codes,
)
from benchlearn.engine import catalogue as engine
from benchlearn.engine.evaluate import CatalogueError, check_catalogue, evaluate
from benchlearn.engine.formula import FormulaError, Ref, parse, walk
from benchlearn.i18n import translate_message

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


@dataclass
class UnknownCode:
    code: str
    column: int
    suggestions: list[str]


@dataclass
class PartCheck:
    part: str  # "formula", "numerator", "denominator"
    text: str
    error: str = ""  # in the request's language
    column: int | None = None
    unknown: list[UnknownCode] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.error and not self.unknown

    @property
    def before(self) -> str:
        return self.text[: (self.column or 1) - 1]

    @property
    def at(self) -> str:
        return self.text[(self.column or 1) - 1 : self.column or 1] or " "

    @property
    def after(self) -> str:
        return self.text[self.column or 1 :]


@dataclass
class PreviewRow:
    unit: str
    inputs: list[tuple[str, float | None]]
    value: float | None
    flag: str


@dataclass
class FormulaCheck:
    parts: list[PartCheck]
    problems: list[str]  # cycles and other whole-catalogue problems, translated
    preview: list[PreviewRow]
    preview_source: str  # "context" or "sample" ("" without a preview)
    preview_period: int | None = None
    decimals: int = 2

    @property
    def ok(self) -> bool:
        return all(part.ok for part in self.parts) and not self.problems


def _known_codes(catalogue: engine.Catalogue, own_code: str) -> list[str]:
    return (
        [v.code for v in catalogue.variables]
        + [i.code for i in catalogue.indicators if i.code != own_code]
        + ([own_code] if own_code else [])
    )


def _check_part(part: str, text: str, known: list[str]) -> PartCheck:
    check = PartCheck(part, text)
    try:
        node = parse(text)
    except FormulaError as error:
        check.error = translate_message(error.text)
        check.column = error.column
        return check
    known_set = set(known)
    refs = sorted((n for n in walk(node) if isinstance(n, Ref)), key=lambda n: n.column)
    for ref in refs:
        code = ref.code
        if code not in known_set and all(u.code != code for u in check.unknown):
            check.unknown.append(
                UnknownCode(code, ref.column, difflib.get_close_matches(code, known, n=3))
            )
    return check


# Real values of some units for the variables given (long: unit, period, variable,
# value), or None when there are none: the units' context values, which the catalogue
# does not know (the page passes ``units.selectors.context_values_sample``).
RealValues = Callable[[list[str], int], pl.DataFrame | None]


def formula_check(
    user: AnyUser,
    *,
    code: str,
    formula: str,
    numerator: str = "",
    denominator: str = "",
    decimals: int = 2,
    real_values: RealValues | None = None,
) -> FormulaCheck:
    """Check an indicator's formula (and parts) as typed: syntax with its column, unknown
    codes with suggestions, cycles through the rest of the catalogue; when all is well, a
    preview of its values for a few units: real ones from ``real_values`` when it has
    every variable the formula needs, else made-up sample values."""
    require(user, Perm.CATALOGUE_VIEW)
    catalogue = engine_catalogue()
    own = code or "NEW_INDICATOR"
    known = _known_codes(catalogue, own)
    parts = [_check_part("formula", formula, known)]
    if numerator.strip() or denominator.strip():
        parts += [
            _check_part("numerator", numerator, known),
            _check_part("denominator", denominator, known),
        ]
    result = FormulaCheck(
        parts=parts, problems=[], preview=[], preview_source="", decimals=decimals
    )
    if not all(part.ok for part in parts):
        return result
    edited = engine.Indicator(
        code=own,
        formula=formula,
        numerator=numerator.strip() or None,
        denominator=denominator.strip() or None,
    )
    others = [i for i in catalogue.indicators if i.code != own]
    trial = engine.Catalogue(variables=catalogue.variables, indicators=(*others, edited))
    try:
        check_catalogue(trial)
    except CatalogueError as error:
        found = [problem for problem in error.found if problem.is_about(own)] or error.found
        result.problems = [translate_message(problem.located()) for problem in found]
        return result
    _preview(result, trial, own, real_values)
    return result


PREVIEW_UNITS = 5


def _preview(
    result: FormulaCheck, catalogue: engine.Catalogue, code: str, real_values: RealValues | None
) -> None:
    needed = needed_codes(catalogue, [code])
    variables = [v for v in catalogue.variables if v.code in needed]
    subset = engine.Catalogue(
        variables=tuple(variables),
        indicators=tuple(i for i in catalogue.indicators if i.code in needed),
    )
    codes = [v.code for v in variables]
    values = real_values(codes, PREVIEW_UNITS) if real_values is not None and codes else None
    source = "context"
    if values is None:
        values, source = _sample_values(variables), "sample"
    if values.height == 0:
        values = pl.DataFrame(
            {"unit": ["—"], "period": [2000], "variable": ["__none__"], "value": [0.0]}
        )
    evaluated = evaluate(values, subset).filter(pl.col("indicator") == code)
    period = int(values["period"].max())  # type: ignore[arg-type]
    evaluated = evaluated.filter(pl.col("period") == period)
    inputs = values.filter(pl.col("period") == period)
    for row in evaluated.iter_rows(named=True):
        unit_inputs = inputs.filter(pl.col("unit") == row["unit"])
        by_code = dict(zip(unit_inputs["variable"], unit_inputs["value"], strict=True))
        result.preview.append(
            PreviewRow(
                unit=str(row["unit"]),
                inputs=[(v.code, by_code.get(v.code)) for v in variables],
                value=row["value"],
                flag=row["flag"] or "",
            )
        )
    result.preview_source = source
    result.preview_period = period


def _sample_values(variables: list[engine.Variable]) -> pl.DataFrame:
    """Deterministic made-up values inside each variable's range, for five sample units."""
    records: list[dict[str, Any]] = []
    for number in range(PREVIEW_UNITS):
        unit = _("Sample unit %(letter)s") % {"letter": "ABCDE"[number]}
        for variable in variables:
            low = variable.minimum if variable.minimum is not None else 0.0
            high = variable.maximum if variable.maximum is not None else max(low * 2, low + 1000)
            digest = hashlib.sha256(f"{variable.code}/{number}".encode()).digest()
            share = int.from_bytes(digest[:4], "big") / 0xFFFFFFFF
            value = round(low + (high - low) * (0.1 + 0.8 * share), 2)
            records.append(
                {"unit": unit, "period": 2000, "variable": variable.code, "value": value}
            )
    if not records:
        return pl.DataFrame(
            schema={
                "unit": pl.String,
                "period": pl.Int64,
                "variable": pl.String,
                "value": pl.Float64,
            }
        )
    return pl.DataFrame(records)
