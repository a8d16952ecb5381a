from datetime import date, datetime
from typing import Any

from ninja import Field, Schema


class Error(Schema):
    detail: str


class Problem(Schema):
    type: str
    loc: list[str | int]
    msg: str


class InvalidRequest(Schema):
    """What a 422 answer holds: every problem with the request's parameters."""

    detail: list[Problem]


class RolesOut(Schema):
    operator: bool
    moderator: bool
    participant: bool


class MembershipOut(Schema):
    teryt: str
    name: str
    level: str


class MeOut(Schema):
    email: str
    full_name: str
    roles: RolesOut
    units: list[MembershipOut]


class UnitOut(Schema):
    teryt: str
    name: str
    kind: str
    kind_label: str
    voivodeship: str
    parent_teryt: str | None
    parent_name: str | None
    abolished: bool
    abolished_on: date | None
    population: float | None  # the latest POP context value
    area_km2: float | None  # the latest AREA_KM2 context value

    # Read straight from a Unit annotated by units.selectors.unit_list_for, so that a
    # page of the list is sliced in the database.
    @staticmethod
    def resolve_kind_label(unit: Any) -> str:
        return str(unit.get_kind_display())

    @staticmethod
    def resolve_parent_teryt(unit: Any) -> str | None:
        return unit.parent.teryt if unit.parent else None

    @staticmethod
    def resolve_parent_name(unit: Any) -> str | None:
        return unit.parent.name if unit.parent else None

    @staticmethod
    def resolve_abolished(unit: Any) -> bool:
        return unit.abolished_on is not None

    @staticmethod
    def resolve_population(unit: Any) -> float | None:
        return getattr(unit, "population", None)

    @staticmethod
    def resolve_area_km2(unit: Any) -> float | None:
        return getattr(unit, "area", None)


class UnitFilters(Schema):
    q: str = Field("", description="part of the name, or the start of the TERYT code")
    kind: str = Field("", description="gm, gw, gmw, mnpp, pow or woj")
    voivodeship: str = Field("", description="e.g. śląskie")
    population: str = Field(
        "", description="lt5k, 5k-10k, 10k-20k, 20k-50k, 50k-100k or gt100k (latest POP)"
    )
    include_abolished: bool = True


class IndicatorOut(Schema):
    code: str
    name_pl: str
    name_en: str
    formula: str
    numerator: str | None
    denominator: str | None
    unit: str
    polarity: str
    category: str
    decimals: int
    domain: str | None
    notes_pl: str
    notes_en: str
    version: int
    published_at: datetime | None


class VariableOut(Schema):
    code: str
    name_pl: str
    name_en: str
    unit: str
    source: str
    minimum: float | None
    maximum: float | None
    domain: str | None
    definition_pl: str
    definition_en: str
    compare: str = Field(
        description="what plausibility checks compare: as_is, per_user or per_resident"
    )
    compare_per: str | None = Field(
        description="for per_user: the code of the variable counting the service users"
    )
    plausible_min: float | None = Field(description="the compared quantity's plausible range")
    plausible_max: float | None
    bdl: str | None = Field(
        description="where GUS BDL publishes the same figure: level:id (6 gminas, 5 counties, "
        "2 voivodeships; ids joined by + are added up), e.g. 6:76037"
    )


class RuleOut(Schema):
    code: str
    domain: str | None
    expression: str = Field(description="the whole rule, each side printed from its formula")
    left: str
    operator: str = Field(description="<, <=, =, >=, > or between")
    right: str = Field(description="the right side, or the lower bound of between")
    upper: str | None = Field(description="the upper bound of between")
    severity: str = Field(description="error (blocks submission) or warning (needs a comment)")
    message_pl: str
    message_en: str


class RuleFilters(Schema):
    domain: str = Field("", description="a domain code")
    variable: str = Field("", description="a variable code: the rules that read it")
    set: str = Field("", description="an indicator set code: the rules checking its data")
