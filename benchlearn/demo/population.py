"""The demo units' adults by sex and age band: the margins their survey answers are
raked to (``surveys.margins``), for the surveys' years.

Made up, not GUS: each unit's population of the year (the demo's, from the bundled
2018 figure) split with an age and sex structure close to Poland's (about 82 % of
residents adults, 52–53 % of adults women, a quarter 65 or older), cities a little
older and more female than rural gminas, with a small deterministic variation per unit.
Stored as context values through the office's own entry (``margins_store``), with
their history and a source that says they are the demo's estimates."""

from __future__ import annotations

import random
from collections.abc import Iterable

from benchlearn.accounts.models import User
from benchlearn.demo.history import population
from benchlearn.surveys.margins_entry import margins_store
from benchlearn.units.models import ContextValue, Unit
from benchlearn.units.services import BUNDLED_CONTEXT_YEAR

SOURCE = "demo: oszacowanie (struktura wieku i płci zbliżona do krajowej, nie dane GUS)"
# Shares of the adults (18+) by age band, Poland about 2023.
AGE_SHARES = {
    "POP_18_24": 0.078,
    "POP_25_34": 0.150,
    "POP_35_44": 0.200,
    "POP_45_54": 0.176,
    "POP_55_64": 0.150,
    "POP_65PLUS": 0.246,
}
OLDER = ("POP_55_64", "POP_65PLUS")


def margins_of(teryt: str, residents: float) -> dict[str, float]:
    """The unit's adults by sex and by age band (margin variable code → people); each
    of the two adds up to the same number of adults."""
    rng = random.Random(f"margins-{teryt}")  # noqa: S311 - made-up figures, no secret
    city = teryt.endswith("1")  # a town: gmina miejska or city with powiat rights
    adults = round(residents * rng.uniform(0.80, 0.84))
    women = round(adults * (rng.uniform(0.525, 0.545) if city else rng.uniform(0.503, 0.52)))
    ageing = rng.uniform(1.02, 1.12) if city else rng.uniform(0.88, 0.98)
    weights = {
        code: share * rng.uniform(0.93, 1.07) * (ageing if code in OLDER else 1.0)
        for code, share in AGE_SHARES.items()
    }
    total = sum(weights.values())
    ages = {code: round(adults * weight / total) for code, weight in weights.items()}
    ages["POP_65PLUS"] += adults - sum(ages.values())  # the rounding, to the largest band
    return {"POP_F_18PLUS": women, "POP_M_18PLUS": adults - women, **ages}


def margins_build(*, units: Iterable[Unit], years: Iterable[int], by: User) -> None:
    """The margins of ``units`` in ``years`` (unchanged figures are left alone)."""
    chosen = list(units)
    base = dict(
        ContextValue.objects.filter(
            variable__code="POP", year=BUNDLED_CONTEXT_YEAR, unit__in=chosen
        ).values_list("unit_id", "value")
    )
    for unit in chosen:
        if unit.pk not in base:
            continue
        for year in years:
            counts = margins_of(unit.teryt, population(unit.teryt, base[unit.pk], year))
            margins_store(unit=unit, year=year, counts=counts, by=by, source=SOURCE, origin="demo")
