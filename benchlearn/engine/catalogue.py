"""The catalogue as plain data: domains, variables, indicators and indicator sets.

Configuration is dumb data; computing is an explicit call elsewhere. Formats (YAML) and
storage (Django models) convert to and from these classes at the edges.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Polarity(StrEnum):
    HIGHER_BETTER = "higher"
    LOWER_BETTER = "lower"
    NEUTRAL = "neutral"


class Category(StrEnum):
    INPUT = "input"
    OUTPUT = "output"
    EFFICIENCY = "efficiency"
    QUALITY = "quality"
    SATISFACTION = "satisfaction"
    GOVERNANCE = "governance"


class Source(StrEnum):
    FORM = "form"
    SURVEY = "survey"
    PUBLIC_STATISTICS = "public_statistics"


# The kinds of local-government unit a set may apply to: the codes of the register
# (benchlearn.units.models.UnitKind, checked equal by a test), kept here as plain data
# because the catalogue and the engine know nothing of the register.
UNIT_KINDS = ("gm", "gw", "gmw", "mnpp", "pow", "woj")


def applies_to(kinds: tuple[str, ...] | list[str], kind: str) -> bool:
    """Whether a set of ``kinds`` applies to a unit of ``kind``: a set declaring no kinds
    applies to every unit (as every set did before sets declared them)."""
    return not kinds or kind in kinds


class Basis(StrEnum):
    """The quantity a raw variable is compared by between units of different size."""

    AS_IS = "as_is"  # the value itself (a share, a price, a score)
    PER_USER = "per_user"  # per service user: divided by the variable ``compare_per`` names
    PER_RESIDENT = "per_resident"  # per resident: divided by the population (POPULATION)


# The context variable holding a unit's population, the divisor of per-resident bases.
POPULATION = "POP"


class Severity(StrEnum):
    ERROR = "error"  # blocks submission
    WARNING = "warning"  # needs an explanation


class Operator(StrEnum):
    LT = "<"
    LE = "<="
    EQ = "="
    GE = ">="
    GT = ">"
    BETWEEN = "between"  # right <= left <= upper


@dataclass(frozen=True)
class Variable:
    """A raw data item entered by units, filled from surveys or from public statistics."""

    code: str
    name_pl: str = ""
    name_en: str = ""
    unit: str = ""
    source: Source = Source.FORM
    minimum: float | None = None
    maximum: float | None = None
    definition_pl: str = ""
    definition_en: str = ""
    domain: str = ""  # groups the data-entry form; "" for context shared by every domain
    compare: Basis = Basis.AS_IS
    compare_per: str = ""  # per_user only: the code of the variable counting the users
    # The plausible range of the compared quantity (the value per user or per resident
    # when the basis says so): outside it a value gets a warning.
    plausible_min: float | None = None
    plausible_max: float | None = None
    # The data years the definition holds for (inclusive); None is open-ended.
    valid_from: int | None = None
    valid_to: int | None = None
    # Where GUS's Local Data Bank publishes the same figure (``bdl_text``): a form
    # variable's entry is checked against it, a public-statistics one fetched from it.
    bdl: str = ""

    def valid_in(self, year: int) -> bool:
        return valid_in(self.valid_from, self.valid_to, year)

    @property
    def divisor(self) -> str | None:
        """The code of the variable the value is divided by to compare it, if any."""
        if self.compare is Basis.PER_USER:
            return self.compare_per or None
        if self.compare is Basis.PER_RESIDENT:
            return POPULATION
        return None


@dataclass(frozen=True)
class Domain:
    """A public-service area (education, waste management, roads...)."""

    code: str
    name_pl: str = ""
    name_en: str = ""
    description_pl: str = ""
    description_en: str = ""


@dataclass(frozen=True)
class Indicator:
    """A formula over variables and other indicators.

    ``numerator`` and ``denominator`` (formulas too) may be declared for a ratio
    indicator, so that a group's aggregate is the ratio of their sums, not the mean of
    the units' ratios.
    """

    code: str
    formula: str
    polarity: Polarity = Polarity.NEUTRAL
    category: Category = Category.OUTPUT
    name_pl: str = ""
    name_en: str = ""
    unit: str = ""
    decimals: int = 2
    numerator: str | None = None
    denominator: str | None = None
    domain: str = ""
    notes_pl: str = ""
    notes_en: str = ""
    # The data years this definition holds for (inclusive); None is open-ended. A code
    # may have several definitions whose ranges follow each other without a gap.
    valid_from: int | None = None
    valid_to: int | None = None

    def valid_in(self, year: int) -> bool:
        return valid_in(self.valid_from, self.valid_to, year)


def valid_in(valid_from: int | None, valid_to: int | None, year: int) -> bool:
    """Whether a definition valid from/to these data years (None: open) holds in ``year``."""
    return (valid_from is None or valid_from <= year) and (valid_to is None or year <= valid_to)


# GUS BDL's unit levels, by the word a catalogue file names them with.
BDL_LEVELS = {"gmina": 6, "county": 5, "voivodeship": 2}


class BdlSourceError(ValueError):
    pass


def bdl_sources(text: str) -> dict[int, tuple[int, ...]]:
    """The BDL variables whose sum is a variable's figure, by BDL unit level, from the
    stored text: ``"6:76037"``, or ``"6:1+2 5:3"`` (the sum of BDL 1 and 2 for gminas,
    BDL 3 for counties). BdlSourceError on a text not of that form."""
    found: dict[int, tuple[int, ...]] = {}
    for part in text.split():
        level, colon, ids = part.partition(":")
        numbers = ids.split("+")
        valid_levels = {str(n) for n in BDL_LEVELS.values()}
        if not colon or level not in valid_levels or not all(n.isdigit() for n in numbers):
            raise BdlSourceError(part)
        if int(level) in found:
            raise BdlSourceError(part)
        found[int(level)] = tuple(int(n) for n in numbers)
    return found


def bdl_text(sources: dict[int, tuple[int, ...]]) -> str:
    """The stored text of ``bdl_sources`` (levels from the lowest unit up)."""
    ordered = sorted(sources.items(), reverse=True)
    return " ".join(f"{level}:{'+'.join(str(n) for n in ids)}" for level, ids in ordered)


class ChangeAction(StrEnum):
    """What a catalogue version did about an item (or a reviewer's finding)."""

    FIXED = "fixed"
    KEPT = "kept"  # kept as it was, the entry saying why
    ADDED = "added"
    RETIRED = "retired"


@dataclass(frozen=True)
class ChangeEntry:
    """One line of a catalogue version's change log: what happened to which codes, why."""

    codes: tuple[str, ...]
    action: ChangeAction
    text_pl: str = ""
    text_en: str = ""
    ref: str = ""  # e.g. the reviewer's defect id (D03)


@dataclass(frozen=True)
class Release:
    """A catalogue version's change log: a summary and its entries."""

    version: str
    summary_pl: str = ""
    summary_en: str = ""
    entries: tuple[ChangeEntry, ...] = ()


@dataclass(frozen=True)
class IndicatorSet:
    """A model indicator set: the indicators (by code, in display order) of one domain."""

    code: str
    name_pl: str = ""
    name_en: str = ""
    domain: str = ""
    indicators: tuple[str, ...] = ()
    description_pl: str = ""
    description_en: str = ""
    # The kinds of unit (UNIT_KINDS) the set applies to, in UNIT_KINDS order; none: all.
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """A validation rule between variables, as in DHIS2: ``left operator right``, e.g.
    ``EDU_PUPILS / EDU_TEACHERS_FTE between 5 and 30``.

    ``left``, ``right`` and ``upper`` are formulas over variable codes (a number is a
    formula too); ``upper`` is used by ``between`` only, whose lower bound is ``right``.
    """

    code: str
    left: str
    operator: Operator
    right: str
    upper: str = ""
    severity: Severity = Severity.WARNING
    message_pl: str = ""
    message_en: str = ""
    domain: str = ""


@dataclass(frozen=True)
class Catalogue:
    variables: tuple[Variable, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    name: str = ""
    version: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    domains: tuple[Domain, ...] = ()
    sets: tuple[IndicatorSet, ...] = ()
    rules: tuple[Rule, ...] = ()
    changelog: tuple[Release, ...] = ()  # newest first, as files list them

    def variable_codes(self) -> set[str]:
        return {variable.code for variable in self.variables}

    def indicator(self, code: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise KeyError(code)
