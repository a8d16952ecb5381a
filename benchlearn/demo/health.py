"""The demo's health group: eight rural gminas of powiat bielski and cieszyński compare
their health tasks (set SET_HLT) from 2021 (closed rounds) and last year (open).

The figures are invented but plausible, as those of ``history``: addiction prevention
paid from the alcohol-permit fees (about as much as the fees bring), a health policy
programme reaching a part of its target group at a cost per participant, the HPV
vaccination of 12–13-year-olds rising year by year, a few primary-care practices and a
handful of administrative decisions. Each gmina keeps its traits (seeded by its TERYT
code), each year adds a little noise.
"""

from __future__ import annotations

from benchlearn.demo.history import (
    HISTORY_YEARS,
    Domain,
    Figures,
    decisions,
    of_year,
    unit_traits,
    year_noise,
)

HEALTH_GMINAS = [
    "2402022",  # Bestwina
    "2402052",  # Jasienica
    "2402032",  # Buczkowice
    "2402062",  # Jaworze
    "2403042",  # Brenna
    "2403052",  # Chybie
    "2403072",  # Goleszów
    "2403092",  # Istebna
]

# Alcohol-permit fees per resident of a typical rural gmina, zł.
FEES_PER_RESIDENT = {2021: 24.0, 2022: 26.0, 2023: 28.0, 2024: 29.0}


def health_entered(teryt: str, residents: float, year: int) -> Figures:
    traits, wobble = unit_traits(teryt, "hlt"), year_noise(teryt, "hlt", year)
    since = year - HISTORY_YEARS[0]
    fees = residents * of_year(FEES_PER_RESIDENT, year) * traits.uniform(0.7, 1.4) * wobble(0.03)
    spent_of_fees, target_share = traits.uniform(0.82, 1.12), traits.uniform(0.04, 0.14)
    reach, per_participant = traits.uniform(0.2, 0.55), traits.uniform(70, 320)
    coverage = min(0.65, traits.uniform(0.16, 0.3) + 0.05 * since)
    target = round(residents * target_share * wobble(0.02))
    participants = round(target * min(0.9, reach + 0.02 * since) * wobble(0.03))
    cohort = health_context(teryt, residents, year)["HLT_POP_12_13"]
    return {
        "HLT_ALCOHOL_FEES": round(fees, 2),
        "HLT_ADDICTION_EXP": round(fees * spent_of_fees * wobble(0.03), 2),
        "HLT_PROG_TARGET": target,
        "HLT_PROG_PARTICIPANTS": participants,
        "HLT_PROG_EXP": round(participants * per_participant * (1 + 0.04 * since), 2),
        "HLT_HPV_VACCINATED": round(cohort * coverage * wobble(0.03)),
        "HLT_POZ_PLACES": max(1, round(residents * traits.uniform(1.5, 3.5) / 10_000)),
        **decisions("HLT", residents * traits.uniform(0.002, 0.004), since, traits, wobble),
    }


def health_context(teryt: str, residents: float, year: int) -> Figures:
    """Children aged 12–13 (GUS): about 2 % of a rural gmina's residents."""
    traits, wobble = unit_traits(teryt, "hlt-context"), year_noise(teryt, "hlt-context", year)
    return {"HLT_POP_12_13": round(residents * traits.uniform(0.019, 0.024) * wobble(0.02))}


HEALTH = Domain(
    "SET_HLT",
    "Ochrona zdrowia — dane za {year} r.",
    "Ochrona zdrowia — zbieranie danych za ubiegły rok",
    health_entered,
    health_context,
)
