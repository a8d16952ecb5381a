"""The demo's finance comparison: the Ministry of Finance's ratios (set SET_FIN) of every
demo unit — the cities with county rights, the rural gminas and the county.

The figures are invented but follow the budget reports' arithmetic: current and capital
revenue add up to total revenue and current and capital expenditure to total
expenditure (Rb-NDS: A = A1 + A2, B = B1 + B2); own revenue is part of total revenue,
the PIT share part of own revenue, wages part of current expenditure; the planned
debt-service ratio of art. 243 stays under the allowed one. Each kind of unit has its
own scale: a city with county rights runs the budget of a gmina and a county (about
10 thousand zł a resident in 2024), a rural gmina somewhat less, a county about a fifth
of that, with a larger share of wages (its schools and hospitals' staff) and a smaller
own revenue (mostly grants and the subvention). Each unit keeps its traits (seeded by
its TERYT code) and each year adds a little noise, so a value moves under the rounds'
warning threshold.
"""

from __future__ import annotations

from benchlearn.demo.history import HISTORY_YEARS, Domain, Figures, of_year, unit_traits, year_noise

# Total revenue per resident of a typical unit of each kind, zł (Rb-27S, current prices).
REVENUE_PER_RESIDENT = {
    "mnpp": {2021: 7_400.0, 2022: 8_100.0, 2023: 9_300.0, 2024: 10_300.0},
    "gmina": {2021: 5_900.0, 2022: 6_600.0, 2023: 7_600.0, 2024: 8_300.0},
    "pow": {2021: 1_450.0, 2022: 1_600.0, 2023: 1_850.0, 2024: 2_050.0},
}
# Per kind: own revenue and PIT share in total revenue, wages in current expenditure,
# capital expenditure in total expenditure, liabilities against revenue (ranges of a
# unit's trait).
SHARES = {
    "mnpp": {
        "own": (0.55, 0.66),
        "pit": (0.22, 0.29),
        "wages": (0.40, 0.50),
        "capex": (0.12, 0.24),
        "debt": (0.20, 0.48),
    },
    "gmina": {
        "own": (0.38, 0.52),
        "pit": (0.14, 0.21),
        "wages": (0.33, 0.43),
        "capex": (0.13, 0.27),
        "debt": (0.05, 0.38),
    },
    "pow": {
        "own": (0.22, 0.34),
        "pit": (0.07, 0.11),
        "wages": (0.52, 0.62),
        "capex": (0.08, 0.18),
        "debt": (0.05, 0.30),
    },
}


def kind_of(teryt: str) -> str:
    """The kind of unit a TERYT code names: a four-digit code a county (``pow``), a
    county code from 61 a city with county rights (``mnpp``), else by its last digit
    a gmina (urban, rural, urban-rural)."""
    if len(teryt) == 4:
        return "pow"
    if int(teryt[2:4]) >= 61:
        return "mnpp"
    return {"1": "gm", "2": "gw", "3": "gmw"}[teryt[-1]]


def _scale(kind: str) -> str:
    return kind if kind in ("mnpp", "pow") else "gmina"


def finance_entered(teryt: str, residents: float, year: int) -> Figures:
    """One unit's SET_FIN figures of ``year`` (zł; the two debt-service ratios in %)."""
    scale = _scale(kind_of(teryt))
    traits, wobble = unit_traits(teryt, "fin"), year_noise(teryt, "fin", year)
    shares = {name: traits.uniform(*bounds) for name, bounds in SHARES[scale].items()}
    level, capital_in = traits.uniform(0.88, 1.15), traits.uniform(0.04, 0.14)
    surplus, planned = traits.uniform(0.03, 0.10), traits.uniform(2.0, 8.0)
    margin = traits.uniform(3.0, 14.0)
    since = year - HISTORY_YEARS[0]
    total = residents * of_year(REVENUE_PER_RESIDENT[scale], year) * level * wobble(0.02)
    capital = total * capital_in * wobble(0.05)
    current = total - capital
    own = total * shares["own"] * wobble(0.02)
    # Current expenditure leaves the operating surplus of current revenue (art. 242).
    spent = current * (1 - surplus - 0.01 * (wobble(1) - 1))
    invested = spent * shares["capex"] / (1 - shares["capex"]) * wobble(0.05)
    debt = total * shares["debt"] * (1 - 0.02 * since) * wobble(0.03)
    revenue_total, revenue_capital = round(total, 2), round(capital, 2)
    spent, invested = round(spent, 2), round(invested, 2)
    return {
        "FIN_REV_TOTAL": revenue_total,
        "FIN_REV_CURRENT": round(revenue_total - revenue_capital, 2),
        "FIN_REV_CAPITAL": revenue_capital,
        "FIN_REV_OWN": round(own, 2),
        "FIN_REV_PIT": round(total * shares["pit"] * wobble(0.02), 2),
        "FIN_EXP_TOTAL": round(spent + invested, 2),
        "FIN_EXP_CURRENT": spent,
        "FIN_EXP_CAPITAL": invested,
        "FIN_EXP_WAGES": round(spent * shares["wages"] * wobble(0.01), 2),
        "FIN_LIABILITIES": round(debt, 2),
        "FIN_DS_PLANNED": round(planned * wobble(0.05), 2),
        "FIN_DS_LIMIT": round((planned + margin) * wobble(0.03), 2),
    }


# Finance is collected since the year before last (a closed round and the open one).
FINANCE_FIRST_YEAR = HISTORY_YEARS[-1]
# The amounts GUS publishes in its Local Data Bank for gminas and cities with county
# rights (the catalogue's BDL sources), as ``bdl-fetch`` would store them, each saying
# where it came from as bdl-fetch does ("BDL 76037"), and that it is made up.
PUBLISHED = {
    "FIN_REV_TOTAL": "BDL 76037 – dane demonstracyjne",
    "FIN_REV_OWN": "BDL 76070 – dane demonstracyjne",
    "FIN_EXP_TOTAL": "BDL 76477 – dane demonstracyjne",
}


def finance_context(teryt: str, residents: float, year: int) -> Figures:
    """What GUS publishes of a gmina's or city's finances in the finance rounds' years:
    the amounts the unit reports, so its form shows them beside the fields without a
    warning. Counties' amounts are not mapped to BDL; the population is stored for
    every unit anyway."""
    if kind_of(teryt) == "pow" or year < FINANCE_FIRST_YEAR:
        return {}
    entered = finance_entered(teryt, residents, year)
    return {code: entered[code] for code in PUBLISHED}


FINANCE = Domain(
    "SET_FIN",
    "Finanse — dane za {year} r.",
    "Finanse — zbieranie danych za ubiegły rok",
    finance_entered,
    finance_context,
    # Collected since the year before last: a closed round that every unit submitted
    # and the open one (five years of it would add a third to the demo's build time).
    first_year=FINANCE_FIRST_YEAR,
    context_sources=tuple(PUBLISHED.items()),
)
