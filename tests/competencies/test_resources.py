"""The office's learning suggestions per competency (materials, good practices,
trainings), and the programme's privacy setting for competency assessments."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchlearn.competencies.models import LearningResource, ResourceKind
from benchlearn.groups.services import edit_token, programme_create, programme_update
from benchlearn.practices.models import Audience
from benchlearn.practices.services import (
    PracticeInput,
    practice_create,
    practice_publish,
    practice_submit,
)
from tests.conftest import client_for


@pytest.fixture
def practices(unit_a, participant_a, operator):
    """A published good practice and a draft one."""
    published = practice_create(
        unit=unit_a,
        data=PracticeInput(title="Mierzymy czas obsługi", problem="P.", solution="R."),
        by=participant_a,
    )
    practice_submit(practice=published, by=participant_a)
    practice_publish(practice=published, by=operator, audience=Audience.MEMBERS)
    draft = practice_create(
        unit=unit_a,
        data=PracticeInput(title="Szkic praktyki", problem="P.", solution="R."),
        by=participant_a,
    )
    return published, draft


def _post(**changes) -> dict[str, str]:
    return {
        "competency_code": "MEASURE",
        "kind": "material",
        "title": "Podręcznik pomiaru",
        "url": "https://example.org/podrecznik",
        "description": "",
        "programme": "",
        "practice": "",
        **changes,
    }


def test_the_office_adds_a_material_for_every_programme(scheme, operator):
    shipped = LearningResource.objects.count()
    response = client_for(operator).post("/competencies/suggestions/new/", _post())
    assert response.status_code == 302
    added = LearningResource.objects.get(title="Podręcznik pomiaru")
    assert added.competency_code == "MEASURE" and added.programme is None
    assert added.added_by == operator
    assert LearningResource.objects.count() == shipped + 1
    listed = client_for(operator).get("/competencies/suggestions/").content.decode()
    assert "Podręcznik pomiaru" in listed and "every programme" in listed


def test_a_good_practice_suggestion_for_one_programme(scheme, operator, practices):
    published, _draft = practices
    programme = programme_create(name="Doskonalenie", first_year=2026, last_year=2027)
    response = client_for(operator).post(
        "/competencies/suggestions/new/",
        _post(
            kind="practice",
            title="Praktyka gminy",
            url="",
            practice=str(published.pk),
            programme=str(programme.pk),
        ),
    )
    assert response.status_code == 302
    added = LearningResource.objects.get(title="Praktyka gminy")
    assert added.practice == published and added.programme == programme


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"url": "", "description": ""},
            "A material needs its web address, or a description of where to find it.",
        ),
        ({"url": "nie adres"}, "Enter a valid URL"),
        ({"title": ""}, "This field is required"),
        ({"competency_code": "NOSUCH"}, "Select a valid choice"),
        ({"kind": "practice", "url": ""}, "Choose the good practice this suggestion points to."),
    ],
)
def test_bad_suggestions_are_refused_and_nothing_stored(scheme, operator, changes, message):
    before = LearningResource.objects.count()
    response = client_for(operator).post("/competencies/suggestions/new/", _post(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert LearningResource.objects.count() == before


def test_a_draft_practice_cannot_be_suggested(scheme, operator, practices):
    _published, draft = practices
    response = client_for(operator).post(
        "/competencies/suggestions/new/",
        _post(kind="practice", title="Szkic", practice=str(draft.pk)),
    )
    assert response.status_code == 400
    assert not LearningResource.objects.filter(title="Szkic").exists()


def test_a_material_with_only_a_description_is_enough(scheme, operator):
    response = client_for(operator).post(
        "/competencies/suggestions/new/",
        _post(url="", description="Biblioteka związku, półka 3.", title="Książka"),
    )
    assert response.status_code == 302
    assert LearningResource.objects.get(title="Książka").url == ""


def test_editing_and_deleting_a_suggestion(scheme, operator):
    client = client_for(operator)
    client.post("/competencies/suggestions/new/", _post())
    resource = LearningResource.objects.get(title="Podręcznik pomiaru")
    changed = client.post(
        f"/competencies/suggestions/{resource.pk}/",
        _post(title="Podręcznik pomiaru, wyd. 2", kind=ResourceKind.TRAINING, url=""),
    )
    assert changed.status_code == 302
    resource.refresh_from_db()
    assert resource.title == "Podręcznik pomiaru, wyd. 2" and resource.kind == "training"
    # A bad change leaves the suggestion as it was.
    refused = client.post(f"/competencies/suggestions/{resource.pk}/", _post(url="x y"))
    assert refused.status_code == 400
    resource.refresh_from_db()
    assert resource.title == "Podręcznik pomiaru, wyd. 2"
    deleted = client.post(f"/competencies/suggestions/{resource.pk}/delete/")
    assert deleted.status_code == 302
    assert not LearningResource.objects.filter(pk=resource.pk).exists()


def test_only_the_office_manages_suggestions(scheme, operator, participant_a, moderator):
    client_for(operator).post("/competencies/suggestions/new/", _post())
    resource = LearningResource.objects.get(title="Podręcznik pomiaru")
    for person in (participant_a, moderator):
        client = client_for(person)
        assert client.get("/competencies/suggestions/").status_code == 403
        assert client.post("/competencies/suggestions/new/", _post(title="Obce")).status_code == 403
        assert client.post(f"/competencies/suggestions/{resource.pk}/delete/").status_code == 403
    assert not LearningResource.objects.filter(title="Obce").exists()
    assert LearningResource.objects.filter(pk=resource.pk).exists()


# --- the programme's privacy setting ----------------------------------------------------------


def _programme_form(programme, **changes) -> dict[str, str]:
    return {
        "name": programme.name,
        "first_year": str(programme.first_year),
        "last_year": str(programme.last_year),
        "min_group_size": "3",
        "base_token": edit_token(programme.updated_at),
        **changes,
    }


def test_the_programme_says_whether_the_office_reads_individual_assessments(operator):
    programme = programme_create(name="Doskonalenie", first_year=2026, last_year=2027)
    assert programme.competency_office_sees is False
    client = client_for(operator)
    form = client.get(f"/groups/programmes/{programme.pk}/").content.decode()
    assert "competency_office_sees" in form and "People are told before they start" in form
    response = client.post(
        f"/groups/programmes/{programme.pk}/",
        _programme_form(programme, competency_office_sees="on"),
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.competency_office_sees is True
    change = programme.changes.get(kind="updated")
    assert change.changes["competency_office_sees"] == [False, True]
    assert change.changed_by == operator
    listed = client.get("/groups/programmes/").content.decode()
    assert "The office reads individual competency assessments" in listed
    assert "/competencies/scheme/" in listed and "/competencies/suggestions/" in listed


def test_a_new_programme_may_start_with_the_office_reading(operator):
    programme = programme_create(
        name="Jawny", first_year=2026, last_year=2027, competency_office_sees=True
    )
    assert programme.competency_office_sees is True
    assert programme.changes.get(kind="created").changes["competency_office_sees"] == [None, True]


def test_a_refused_programme_form_leaves_the_setting_unchanged(operator):
    programme = programme_create(name="Doskonalenie", first_year=2026, last_year=2027)
    response = client_for(operator).post(
        f"/groups/programmes/{programme.pk}/",
        _programme_form(programme, competency_office_sees="on", last_year="2020"),
    )
    assert response.status_code == 400
    assert "The last year cannot come before the first." in response.content.decode()
    programme.refresh_from_db()
    assert programme.competency_office_sees is False
    assert not programme.changes.filter(kind="updated").exists()


def test_the_list_of_suggestions_makes_the_same_queries_for_more_rows(scheme, operator, practices):
    published, _draft = practices
    client = client_for(operator)
    client.post("/competencies/suggestions/new/", _post())

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/competencies/suggestions/").status_code == 200
        return len(queries)

    before = count()
    programme = programme_create(name="Doskonalenie", first_year=2026, last_year=2027)
    for number in range(3):
        client.post(
            "/competencies/suggestions/new/",
            _post(
                title=f"Praktyka {number}",
                kind="practice",
                practice=str(published.pk),
                programme=str(programme.pk),
            ),
        )
    assert count() == before


def test_the_list_narrows_to_a_competency_and_a_programme(scheme, operator):
    client = client_for(operator)
    programme = programme_create(name="Doskonalenie", first_year=2026, last_year=2027)
    client.post("/competencies/suggestions/new/", _post(title="Pomiar dla wszystkich"))
    client.post(
        "/competencies/suggestions/new/",
        _post(title="Pomiar w programie", programme=str(programme.pk)),
    )
    client.post(
        "/competencies/suggestions/new/", _post(title="Przywództwo", competency_code="LEAD")
    )
    measure = client.get("/competencies/suggestions/", {"competency": "MEASURE"}).content.decode()
    assert "Pomiar dla wszystkich" in measure and "Pomiar w programie" in measure
    assert "Przywództwo</" not in measure
    only = client.get(
        "/competencies/suggestions/", {"competency": "MEASURE", "programme": str(programme.pk)}
    ).content.decode()
    assert "Pomiar w programie" in only and "Pomiar dla wszystkich" not in only
    # A filter naming nothing known shows every suggestion rather than an error.
    every = client.get("/competencies/suggestions/", {"programme": "987654"})
    assert every.status_code == 200 and "Przywództwo" in every.content.decode()


def test_a_programme_update_that_leaves_the_setting_out_keeps_it(operator):
    programme = programme_create(
        name="Jawny", first_year=2026, last_year=2027, competency_office_sees=True
    )
    programme_update(
        programme=programme,
        name="Jawny II",
        first_year=2026,
        last_year=2027,
        moderators_review=False,
        anonymised_default=False,
        groups=[],
        by=operator,
    )
    programme.refresh_from_db()
    assert programme.name == "Jawny II" and programme.competency_office_sees is True
    change = programme.changes.get(kind="updated")
    assert "competency_office_sees" not in change.changes
