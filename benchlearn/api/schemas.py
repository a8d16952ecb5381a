from datetime import datetime

from ninja import Schema


class Error(Schema):
    detail: str


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
    voivodeship: str
    parent_teryt: str | None


class GroupOut(Schema):
    id: int
    name: str
    service: str
    cycle_start: int
    cycle_end: int
    moderator: str | None
    units: list[str]


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
