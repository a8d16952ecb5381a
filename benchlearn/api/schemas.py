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
