"""Ids in forms and anchors, and years anywhere, are written digit for digit.

The site groups thousands in numbers meant for people ("2 800 gmin"), so a template that
writes an id as ``{{ unit.pk }}`` sends "3 307" once the register passes a thousand rows:
the form comes back with an id that matches nothing, the member picker loses the unit
and the attendance list refuses the person. Ids go through ``|unlocalize``.
"""

import re
from pathlib import Path

import pytest

from benchlearn.catalogue.services import domain_create
from benchlearn.units.models import Unit, UnitKind
from tests.conftest import client_for

TEMPLATES = Path(__file__).resolve().parent.parent / "benchlearn" / "templates"
# An expression in an HTML attribute that names an id or a revision counter.
ID_IN_ATTRIBUTE = re.compile(
    r'(?:value|id|for|name|href|action|data-[\w-]+)="[^"]*'
    r"\{\{ *([\w.]*(?:\.pk|\.id|_id|revision))((?: *\|[^}]*)?) *\}\}"
)


# A year, anywhere on a page: "2 025" is not a year.
YEAR = re.compile(r"\{\{ *([\w.]*year)((?: *\|[^}]*)?) *\}\}")


def test_no_template_writes_a_year_with_thousands_separators():
    offending = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            for match in YEAR.finditer(line):
                name, filters = match.groups()
                # In {% blocktranslate with year=…|stringformat:"d" %} the variable is
                # formatted where it is bound (a filter is not allowed inside).
                bound = re.compile(rf"\b{re.escape(name)}=\S*\|(?:unlocalize|stringformat)")
                if re.search(r"unlocalize|stringformat", filters) or any(
                    bound.search(before) for before in lines[max(0, number - 4) : number]
                ):
                    continue
                offending.append(f"{path.relative_to(TEMPLATES)}:{number} {name}")
    assert not offending, "years to write with |unlocalize: " + ", ".join(offending)


def test_no_template_writes_an_id_with_thousands_separators():
    offending = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in ID_IN_ATTRIBUTE.finditer(line):
                filters = match.group(2)
                if match.group(1).endswith("auto_id"):  # a form field's HTML id: text
                    continue
                if "unlocalize" not in filters and "stringformat" not in filters:
                    offending.append(f"{path.relative_to(TEMPLATES)}:{number} {match.group(1)}")
    assert not offending, "ids to write with |unlocalize: " + ", ".join(offending)


# An id past a thousand on either database, whatever ran before.
BIG = 987654


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_member_picker_keeps_a_unit_with_a_large_id(operator, unit_a, language):
    Unit.objects.create(pk=BIG, teryt="2466099", name="Gliwice Testowe", kind=UnitKind.CITY_COUNTY)
    domain = domain_create(user=operator, code="EDU", name_pl="Oświata")
    client = client_for(operator)
    client.cookies["django_language"] = language
    form = {
        "name": "GWD",
        "domain": domain.pk,
        "cycle_start": "2026",
        "units": [unit_a.pk],
        "unit_search": "Gliwi",
    }
    html = client.post("/groups/new/", {**form, "find": "1"}).content.decode()
    assert f'value="{BIG}"' in html
    # Ticked and saved, the unit is a member.
    saved = client.post("/groups/new/", {**form, "units": [unit_a.pk, BIG]})
    assert saved.status_code == 302
    members = Unit.objects.filter(exchange_groups__name="GWD").values_list("pk", flat=True)
    assert set(members) == {unit_a.pk, BIG}
