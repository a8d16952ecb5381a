"""Pages: who may read and edit, the htmx formula check, stale edits, import form."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from benchlearn.catalogue.models import Indicator, IndicatorVersion
from benchlearn.catalogue.selectors import current_version, series_breaks
from benchlearn.catalogue.services import catalogue_publish, edit_token
from tests.catalogue.conftest import SMALL_YAML
from tests.conftest import client_for


def check(client, formula, code="NEW", **extra):
    return client.get(
        reverse("formula-check"),
        {"code": code, "formula": formula, **extra},
        HTTP_HX_REQUEST="true",
    )


def test_everyone_logged_in_reads_operators_edit(catalogue, operator, participant_a):
    assert client_for(participant_a).get(reverse("catalogue-index")).status_code == 200
    page = client_for(participant_a).get(reverse("indicator-detail", args=["EDU_COST_PUPIL"]))
    assert page.status_code == 200 and b"EDU_EXP / PUPILS" in page.content
    edit_url = reverse("indicator-edit", args=["EDU_COST_PUPIL"])
    assert client_for(participant_a).get(edit_url).status_code == 403
    assert client_for(participant_a).post(edit_url, {"name_pl": "x"}).status_code == 403
    assert client_for(operator).get(edit_url).status_code == 200
    anonymous = client_for(None).get(reverse("catalogue-index"))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_participant_cannot_import_or_publish(catalogue, participant_a):
    client = client_for(participant_a)
    upload = SimpleUploadedFile("c.yaml", SMALL_YAML.encode())
    assert client.post(reverse("catalogue-import"), {"file": upload}).status_code == 403
    assert client.post(reverse("catalogue-publish")).status_code == 403
    assert check(client, "1").status_code == 403


def test_formula_check_shows_syntax_error_with_column(catalogue, operator):
    response = check(client_for(operator), "EDU_EXP / (PUPILS")
    assert response.status_code == 200
    assert b"missing &#x27;)&#x27;" in response.content or b"missing ')'" in response.content
    assert b"column 18" in response.content
    assert b"<html" not in response.content  # a fragment, not a page


def test_formula_check_suggests_unknown_codes(catalogue, operator):
    response = check(client_for(operator), "EDU_EXP / PUPLS")
    assert b"Unknown code PUPLS at column 11" in response.content
    assert b"PUPILS" in response.content


def test_formula_check_finds_cycles(catalogue, operator):
    client = client_for(operator)
    response = check(client, "PUPILS_PER_1000 * 2", code="EDU_COST_PUPIL")
    assert b"cycle" not in response.content
    from benchlearn.catalogue.services import indicator_update

    indicator = Indicator.objects.get(code="PUPILS_PER_1000")
    indicator_update(
        indicator=indicator,
        user=operator,
        base_number=None,
        base_token=None,
        formula="EDU_COST_PUPIL + 1",
    )
    response = check(client, "PUPILS_PER_1000 * 2", code="EDU_COST_PUPIL")
    assert b"dependency cycle" in response.content


def test_formula_check_previews_on_sample_values(catalogue, operator):
    response = check(client_for(operator), "EDU_EXP / PUPILS", decimals="0")
    assert b"The formula is correct" in response.content
    assert b"sample values" in response.content
    assert response.content.count(b"Sample unit") == 5


def test_formula_check_previews_on_the_units_public_statistics(catalogue, operator, unit_a):
    from benchlearn.catalogue.models import Variable
    from benchlearn.units.services import context_values_store

    population = Variable.objects.get(code="POP")
    context_values_store(
        variable=population, values=[(unit_a, 2022, 170_000.0)], source="test", origin="test"
    )
    response = check(client_for(operator), "POP / 1000", decimals="1")
    assert b"real context values (2022)" in response.content
    assert unit_a.name.encode() in response.content
    assert b"170" in response.content
    assert b"Sample unit" not in response.content


def test_edit_without_javascript_validates_on_submit(catalogue, operator):
    indicator = Indicator.objects.get(code="EDU_COST_PUPIL")
    current = current_version(indicator)
    data = {
        "name_pl": "Wydatki na ucznia",
        "formula": "EDU_EXP / (PUPILS",
        "polarity": "lower",
        "category": "efficiency",
        "decimals": "0",
        "base_number": current.number,
        "base_token": edit_token(current.updated_at),
    }
    url = reverse("indicator-edit", args=["EDU_COST_PUPIL"])
    response = client_for(operator).post(url, data)
    assert response.status_code == 400 and b"column 18" in response.content
    assert current_version(indicator).formula == "EDU_EXP / PUPILS"
    data["formula"] = "EDU_EXP / PUPILS / 12"
    response = client_for(operator).post(url, data)
    assert response.status_code == 302
    assert current_version(indicator).formula == "EDU_EXP / PUPILS / 12"


def test_stale_edit_is_refused_in_the_form(catalogue, operator, moderator):
    indicator = Indicator.objects.get(code="EDU_COST_PUPIL")
    current = current_version(indicator)
    base = {
        "formula": "EDU_EXP / PUPILS",
        "polarity": "lower",
        "category": "efficiency",
        "decimals": "0",
        "base_number": current.number,
        "base_token": edit_token(current.updated_at),
    }
    url = reverse("indicator-edit", args=["EDU_COST_PUPIL"])
    first = client_for(operator).post(url, {**base, "name_pl": "Pierwsza zmiana"})
    assert first.status_code == 302
    moderator.is_operator = True
    moderator.save()
    second = client_for(moderator).post(url, {**base, "name_pl": "Druga zmiana"})
    assert second.status_code == 409
    assert "Pierwsza zmiana" in second.content.decode()
    assert current_version(indicator).name_pl == "Pierwsza zmiana"


def test_import_form_lists_problems_and_changes_nothing(catalogue, operator):
    bad = SMALL_YAML.replace("formula: WASTE_T / POP", "formula: WASTE_T / POPP")
    upload = SimpleUploadedFile("c.yaml", bad.encode())
    count = IndicatorVersion.objects.count()
    response = client_for(operator).post(reverse("catalogue-import"), {"file": upload})
    assert response.status_code == 400
    assert "WASTE_PER_CAPITA" in response.content.decode()
    assert "did you mean POP" in response.content.decode()
    assert IndicatorVersion.objects.count() == count


def test_export_whole_and_one_set(catalogue, participant_a):
    client = client_for(participant_a)
    whole = client.get(reverse("catalogue-export"))
    assert whole.status_code == 200 and b"WASTE_PER_CAPITA" in whole.content
    one = client.get(reverse("catalogue-export"), {"set": "SET_EDU"})
    assert b"WASTE_PER_CAPITA" not in one.content and b"SET_EDU" in one.content
    assert client.get(reverse("catalogue-export"), {"set": "NOPE"}).status_code == 404


def test_index_filters(catalogue, participant_a):
    client = client_for(participant_a)
    page = client.get(reverse("catalogue-index"), {"category": "efficiency"}).content.decode()
    assert "EDU_COST_PUPIL" in page and "WASTE_PER_CAPITA" not in page
    page = client.get(reverse("catalogue-index"), {"domain": "WASTE"}).content.decode()
    assert "WASTE_PER_CAPITA" in page and "EDU_COST_PUPIL" not in page


def test_create_variable_and_indicator(catalogue, operator):
    client = client_for(operator)
    response = client.post(
        reverse("variable-create"),
        {"code": "ROADS_KM", "name_pl": "Długość dróg", "source": "form", "domain": ""},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("indicator-create"),
        {
            "code": "ROADS_PER_1000",
            "name_pl": "Drogi na 1000 mieszkańców",
            "domain": "",
            "formula": "ROADS_KM / POP * 1000",
            "polarity": "neutral",
            "category": "input",
            "decimals": "2",
        },
    )
    assert response.status_code == 302
    assert current_version(Indicator.objects.get(code="ROADS_PER_1000")).number == 1


# --- the engine's messages in the page's language -------------------------------------


def in_polish(user):
    client = client_for(user)
    client.cookies["django_language"] = "pl"
    return client


def text_of(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("formula", "polish", "english"),
    [
        ("EDU_EXP / (PUPILS", "brak nawiasu ')' — kolumna 18", "missing ')' — column 18"),
        ("foo(EDU_EXP)", "nieznana funkcja foo — kolumna 1", "unknown function foo — column 1"),
        (
            "abs(EDU_EXP, PUPILS)",
            "abs(): liczba argumentów: 2, oczekiwano: 1 — kolumna 1",
            "abs() takes 1 argument, got 2 — column 1",
        ),
        (
            "max(EDU_EXP)",
            "max(): liczba argumentów: 1, oczekiwano co najmniej: 2",
            "max() takes at least 2 arguments, got 1",
        ),
        ("EDU_EXP > 1", "porównanie poza warunkiem if()", "a comparison outside an if() condition"),
    ],
    ids=["missing-paren", "unknown-function", "argument-count", "too-few", "condition"],
)
def test_formula_check_speaks_the_pages_language(catalogue, operator, formula, polish, english):
    assert polish in text_of(check(in_polish(operator), formula))
    assert english in text_of(check(client_for(operator), formula))


def test_formula_check_names_a_cycle_in_polish(catalogue, operator):
    from benchlearn.catalogue.services import indicator_update

    indicator_update(
        indicator=Indicator.objects.get(code="PUPILS_PER_1000"),
        user=operator,
        base_number=None,
        base_token=None,
        formula="EDU_COST_PUPIL + 1",
    )
    page = text_of(check(in_polish(operator), "PUPILS_PER_1000 * 2", code="EDU_COST_PUPIL"))
    assert "cykl zależności: PUPILS_PER_1000 -> EDU_COST_PUPIL -> PUPILS_PER_1000" in page
    assert "dependency cycle" not in page


def test_saving_a_bad_formula_says_why_in_polish(catalogue, operator):
    response = in_polish(operator).post(
        reverse("indicator-create"),
        {
            "code": "ROADS",
            "name_pl": "Drogi",
            "formula": "ROADS_KM / POP",
            "polarity": "neutral",
            "category": "input",
            "decimals": "2",
        },
    )
    assert response.status_code == 400
    assert "wskaźnik ROADS: nieznana zmienna ROADS_KM w kolumnie 1" in text_of(response)


def line_of(fragment: str, text: str = SMALL_YAML) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


@pytest.mark.parametrize(
    ("bad", "polish", "english"),
    [
        (
            SMALL_YAML.replace("formula: WASTE_T / POP", "formula: WASTE_T / POPP"),
            "wiersz {line}: wskaźnik WASTE_PER_CAPITA: nieznana zmienna POPP w kolumnie 11 "
            "(czy chodziło o POP?)",
            "line {line}: indicator WASTE_PER_CAPITA: unknown variable POPP at column 11 "
            "(did you mean POP?)",
        ),
        (
            SMALL_YAML.replace("code: WASTE_PER_CAPITA", "code: WASTE_PER_CAPITA\n    colour: red"),
            "wiersz {next_line}: wskaźnik WASTE_PER_CAPITA: nieznany klucz 'colour'",
            "line {next_line}: indicator WASTE_PER_CAPITA: unknown key 'colour'",
        ),
        (
            SMALL_YAML.replace("polarity: lower", "polarity: downwards"),
            "wskaźnik EDU_COST_PUPIL, klucz polarity: oczekiwano jednej z wartości higher, "
            "lower, neutral, a jest 'downwards'",
            "indicator EDU_COST_PUPIL polarity must be one of higher, lower, neutral, "
            "not 'downwards'",
        ),
    ],
    ids=["formula", "structure", "choice"],
)
def test_import_page_lists_problems_in_the_pages_language(
    catalogue, operator, bad, polish, english
):
    line = line_of("code: WASTE_PER_CAPITA")
    expected = {"line": line, "next_line": line + 1}
    for client, words in ((in_polish(operator), polish), (client_for(operator), english)):
        upload = SimpleUploadedFile("c.yaml", bad.encode())
        response = client.post(reverse("catalogue-import"), {"file": upload})
        assert response.status_code == 400
        assert words.format(**expected) in text_of(response)


def test_an_operator_gives_a_new_definition_from_a_data_year(catalogue, operator):
    """The form's data years: a changed formula valid from 2026 is a new version, the
    published one keeps computing the earlier years, and the page then shows the break;
    a last year before the first is refused with nothing stored."""
    catalogue_publish(user=operator)
    indicator = Indicator.objects.get(code="EDU_COST_PUPIL")
    current = current_version(indicator)
    url = reverse("indicator-edit", args=["EDU_COST_PUPIL"])
    data = {
        "name_pl": current.name_pl,
        "formula": "EDU_EXP / PUPILS / 12",
        "polarity": "lower",
        "category": "efficiency",
        "decimals": "0",
        "valid_from": "2026",
        "valid_to": "2025",
        "base_number": current.number,
        "base_token": edit_token(current.updated_at),
    }
    refused = client_for(operator).post(url, data)
    assert refused.status_code == 400
    assert "nie może być przed pierwszym" in refused.content.decode() or (
        "must not be before the first" in refused.content.decode()
    )
    assert indicator.versions.count() == 1

    data["valid_to"] = ""
    assert client_for(operator).post(url, data).status_code == 302
    versions = list(indicator.versions.order_by("number"))
    assert [(v.number, v.valid_from, v.formula) for v in versions] == [
        (1, None, "EDU_EXP / PUPILS"),
        (2, 2026, "EDU_EXP / PUPILS / 12"),
    ]
    catalogue_publish(user=operator)
    assert [b.year for b in series_breaks("EDU_COST_PUPIL")] == [2026]
    page = client_for(operator).get(reverse("indicator-detail", args=["EDU_COST_PUPIL"]))
    assert "2026" in page.content.decode()
