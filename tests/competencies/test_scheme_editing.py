"""The scheme's pages and the office's versions of it: every account reads the scheme in
force; the office copies it into a draft, changes the draft and publishes it; a
published version (or one an assessment uses) is never changed; an incomplete draft is
not published, every problem listed; a stale form stores nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchlearn.competencies import editing
from benchlearn.competencies.editing import (
    CompetencyInput,
    SchemeError,
    competency_add,
    competency_remove,
    competency_update,
    scheme_copy,
    scheme_problems,
    scheme_publish,
)
from benchlearn.competencies.models import Assessment, Behaviour, Competency, CompetencyScheme
from benchlearn.competencies.scheme import current_scheme
from tests.conftest import client_for


@pytest.fixture
def draft(scheme, operator) -> CompetencyScheme:
    return scheme_copy(
        scheme=scheme, version="2026.2", by=operator, change_note_pl="Nowe opisy poziomów."
    )


def _competency_post(competency: Competency, revision: int, **changes) -> dict[str, str]:
    data = {
        "revision": str(revision),
        "name_pl": competency.name_pl,
        "name_en": competency.name_en,
        "description_pl": competency.description_pl,
        "description_en": competency.description_en,
        "order": str(competency.order),
        "expected_strategic": str(competency.expected_strategic),
        "expected_middle": str(competency.expected_middle),
        "expected_operational": str(competency.expected_operational),
    }
    for behaviour in competency.behaviours.all():
        data[f"behaviour_{behaviour.level}_pl"] = behaviour.text_pl
        data[f"behaviour_{behaviour.level}_en"] = behaviour.text_en
    data.update(changes)
    return data


# --- reading ---------------------------------------------------------------------------


def test_every_account_reads_the_scheme_in_force_with_levels_and_expectations(
    scheme, participant_b
):
    response = client_for(participant_b).get("/competencies/scheme/")
    assert response.status_code == 200
    page = response.content.decode()
    measure = scheme.competencies.get(code="MEASURE")
    assert measure.name_en in page
    assert measure.behaviours.get(level=4).text_en.split("\n")[0][:40] in page
    assert "Expected level" in page
    # No edit controls for a participant.
    assert "New version" not in page and "/copy/" not in page


def test_the_polish_page_shows_polish_texts_and_english_falls_back_to_polish(
    scheme, participant_b, settings
):
    measure = scheme.competencies.get(code="MEASURE")
    Competency.objects.filter(pk=measure.pk).update(description_en="")
    client = client_for(participant_b)
    english = client.get("/competencies/scheme/").content.decode()
    assert measure.description_pl in english  # no English description: the Polish one
    assert measure.name_en in english and measure.name_pl not in english
    client.cookies["django_language"] = "pl"
    polish = client.get("/competencies/scheme/", HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert measure.name_pl in polish and measure.name_en not in polish
    assert "Poziom oczekiwany" in polish or "poziom oczekiwany" in polish.lower()


def test_a_draft_is_the_office_s_alone(draft, participant_a, operator):
    assert client_for(participant_a).get(f"/competencies/scheme/{draft.pk}/").status_code == 404
    page = client_for(operator).get(f"/competencies/scheme/{draft.pk}/").content.decode()
    assert "draft, not published" in page and "Publish" in page
    # The scheme in force lists only published versions to a participant.
    listed = client_for(participant_a).get("/competencies/scheme/").content.decode()
    assert "2026.2" not in listed


# --- copying -----------------------------------------------------------------------------


def test_a_new_version_copies_every_competency_behaviour_and_expectation(scheme, operator):
    response = client_for(operator).post(
        f"/competencies/scheme/{scheme.pk}/copy/",
        {"version": "2026.2", "change_note_pl": "Poprawione opisy.", "change_note_en": ""},
    )
    draft = CompetencyScheme.objects.get(version="2026.2")
    assert response.status_code == 302
    assert response["Location"] == f"/competencies/scheme/{draft.pk}/"
    assert draft.published_at is None and draft.created_by == operator
    assert draft.change_note_pl == "Poprawione opisy."
    original = {
        c.code: (c.name_pl, c.expected_strategic, c.expected_middle, c.expected_operational)
        for c in scheme.competencies.all()
    }
    copied = {
        c.code: (c.name_pl, c.expected_strategic, c.expected_middle, c.expected_operational)
        for c in draft.competencies.all()
    }
    assert copied == original
    assert Behaviour.objects.filter(competency__scheme=draft).count() == 4 * len(original)
    # The published version is untouched and still in force.
    assert current_scheme() == scheme
    assert scheme.competencies.count() == len(original)


@pytest.mark.parametrize(
    ("version", "note", "message"),
    [
        ("2026.1", "Zmiana.", "Version 2026.1 already exists"),
        ("wersja 2", "Zmiana.", "A version is a year and a number, e.g. 2026.2"),
        ("2026.2", "", "This field is required"),
    ],
)
def test_a_bad_new_version_is_refused_and_nothing_stored(scheme, operator, version, note, message):
    response = client_for(operator).post(
        f"/competencies/scheme/{scheme.pk}/copy/",
        {"version": version, "change_note_pl": note},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert CompetencyScheme.objects.count() == 1


def test_the_service_refuses_a_copy_without_a_change_note(scheme, operator):
    with pytest.raises(SchemeError, match="change log"):
        scheme_copy(scheme=scheme, version="2026.2", by=operator, change_note_pl="  ")
    assert CompetencyScheme.objects.count() == 1


def test_only_the_office_makes_a_new_version(scheme, participant_a):
    response = client_for(participant_a).post(
        f"/competencies/scheme/{scheme.pk}/copy/",
        {"version": "2026.2", "change_note_pl": "Zmiana."},
    )
    assert response.status_code == 403
    assert CompetencyScheme.objects.count() == 1


# --- editing a draft -----------------------------------------------------------------------


def test_the_office_changes_a_competency_of_the_draft(draft, operator):
    lead = draft.competencies.get(code="LEAD")
    response = client_for(operator).post(
        f"/competencies/scheme/{draft.pk}/competencies/{lead.pk}/",
        _competency_post(
            lead,
            draft.revision,
            name_pl="Przywództwo w usługach",
            expected_operational="3",
            behaviour_2_pl="Prowadzi zespół w codziennej pracy.",
        ),
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.name_pl == "Przywództwo w usługach"
    assert lead.expected_operational == 3
    assert lead.behaviours.get(level=2).text_pl == "Prowadzi zespół w codziennej pracy."
    draft.refresh_from_db()
    assert draft.revision == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name_pl": ""}, "This field is required"),
        ({"expected_middle": "5"}, "Select a valid choice"),
        (
            {"behaviour_3_pl": "", "behaviour_3_en": "Leads."},
            "the behaviours are described in Polish first",
        ),
    ],
)
def test_a_bad_competency_is_refused_and_nothing_stored(draft, operator, changes, message):
    lead = draft.competencies.get(code="LEAD")
    before = (lead.name_pl, lead.expected_middle, lead.behaviours.get(level=3).text_pl)
    response = client_for(operator).post(
        f"/competencies/scheme/{draft.pk}/competencies/{lead.pk}/",
        _competency_post(lead, draft.revision, **changes),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    lead.refresh_from_db()
    assert (lead.name_pl, lead.expected_middle, lead.behaviours.get(level=3).text_pl) == before


def test_a_stale_form_is_refused_and_the_typed_text_is_shown_again(draft, operator):
    lead = draft.competencies.get(code="LEAD")
    opened_at = draft.revision
    # Someone else saves the draft after the form was opened.
    other = draft.competencies.get(code="MEASURE")
    competency_update(
        competency=other,
        by=operator,
        data=CompetencyInput(
            name_pl="Pomiar", expected={"strategic": 3, "middle": 3, "operational": 2}
        ),
        revision=opened_at,
    )
    response = client_for(operator).post(
        f"/competencies/scheme/{draft.pk}/competencies/{lead.pk}/",
        _competency_post(lead, opened_at, name_pl="Moja nowa nazwa"),
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "someone else saved this draft in the meantime" in page
    assert "Moja nowa nazwa" in page  # nothing typed is lost
    lead.refresh_from_db()
    assert lead.name_pl != "Moja nowa nazwa"


def test_adding_and_removing_competencies_of_a_draft(draft, operator):
    client = client_for(operator)
    data = {
        "revision": str(draft.revision),
        "code": "DIGITAL",
        "name_pl": "Usługi cyfrowe",
        "expected_strategic": "3",
        "expected_middle": "3",
        "expected_operational": "2",
        **{f"behaviour_{level}_pl": f"Poziom {level}." for level in range(1, 5)},
    }
    added = client.post(f"/competencies/scheme/{draft.pk}/competencies/new/", data)
    assert added.status_code == 302
    added = draft.competencies.get(code="DIGITAL")
    assert added.order == draft.competencies.count()
    assert added.behaviours.count() == 4
    # The same code again is refused.
    again = client.post(
        f"/competencies/scheme/{draft.pk}/competencies/new/",
        {**data, "revision": str(draft.revision + 1)},
    )
    assert again.status_code == 400
    assert "already has a competency with code DIGITAL" in again.content.decode()
    draft.refresh_from_db()
    removed = client.post(
        f"/competencies/scheme/{draft.pk}/competencies/{added.pk}/remove/",
        {"revision": str(draft.revision)},
    )
    assert removed.status_code == 302
    assert not draft.competencies.filter(code="DIGITAL").exists()


def test_a_bad_code_is_refused(draft, operator):
    with pytest.raises(SchemeError, match="capital letters"):
        competency_add(
            scheme=draft,
            by=operator,
            code="zła kod",
            data=CompetencyInput(
                name_pl="X", expected={"strategic": 1, "middle": 1, "operational": 1}
            ),
            revision=draft.revision,
        )
    assert draft.competencies.count() == 7


# --- frozen versions -------------------------------------------------------------------------


def test_a_published_version_shows_no_edit_controls_and_refuses_edits(scheme, operator):
    client = client_for(operator)
    page = client.get(f"/competencies/scheme/{scheme.pk}/").content.decode()
    assert "New version" in page and "/edit/" not in page and "/remove/" not in page
    lead = scheme.competencies.get(code="LEAD")
    refused = client.post(
        f"/competencies/scheme/{scheme.pk}/competencies/{lead.pk}/",
        _competency_post(lead, scheme.revision, name_pl="Zmiana"),
    )
    assert refused.status_code == 403
    assert "never changed" in refused.content.decode()
    removal = client.post(
        f"/competencies/scheme/{scheme.pk}/competencies/{lead.pk}/remove/",
        {"revision": str(scheme.revision)},
    )
    assert removal.status_code == 403
    lead.refresh_from_db()
    assert lead.name_pl != "Zmiana"
    with pytest.raises(SchemeError, match="never changed"):
        competency_remove(competency=lead, by=operator, revision=None)
    assert scheme.competencies.filter(pk=lead.pk).exists()


def test_a_draft_used_by_an_assessment_is_frozen(draft, operator, group, participant_a, unit_a):
    Assessment.objects.create(
        person=participant_a,
        assessor=participant_a,
        group=group,
        unit=unit_a,
        seat="strategic",
        stage="start",
        scheme=draft,
    )
    lead = draft.competencies.get(code="LEAD")
    with pytest.raises(SchemeError, match="used by assessments"):
        competency_update(
            competency=lead,
            by=operator,
            data=CompetencyInput(
                name_pl="X", expected={"strategic": 1, "middle": 1, "operational": 1}
            ),
            revision=None,
        )
    page = client_for(operator).get(f"/competencies/scheme/{draft.pk}/edit/")
    assert page.status_code == 403


# --- publishing ------------------------------------------------------------------------------


def test_publishing_asks_for_confirmation_then_puts_the_version_in_force(draft, scheme, operator):
    client = client_for(operator)
    confirm = client.get(f"/competencies/scheme/{draft.pk}/publish/")
    assert confirm.status_code == 200
    assert "never changed" in confirm.content.decode()
    draft.refresh_from_db()
    assert draft.published_at is None  # a GET publishes nothing
    response = client.post(
        f"/competencies/scheme/{draft.pk}/publish/", {"revision": str(draft.revision)}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.published_at is not None and draft.published_by == operator
    assert current_scheme() == draft
    page = client_for(operator).get("/competencies/scheme/").content.decode()
    assert "2026.2" in page and "Nowe opisy poziomów." in page


def test_an_incomplete_draft_is_not_published_and_every_problem_is_listed(draft, operator):
    lead = draft.competencies.get(code="LEAD")
    lead.behaviours.filter(level=4).delete()
    measure = draft.competencies.get(code="MEASURE")
    measure.behaviours.filter(level=1).update(text_pl=" ")
    response = client_for(operator).post(
        f"/competencies/scheme/{draft.pk}/publish/", {"revision": str(draft.revision)}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "LEAD: level 4 has no behaviours in Polish." in page
    assert "MEASURE: level 1 has no behaviours in Polish." in page
    draft.refresh_from_db()
    assert draft.published_at is None


def test_an_empty_draft_is_not_published(draft, operator):
    draft.competencies.all().delete()
    assert "The scheme has no competencies." in scheme_problems(draft)
    with pytest.raises(SchemeError) as refused:
        scheme_publish(scheme=draft, by=operator, revision=draft.revision)
    assert "The scheme has no competencies." in refused.value.problems
    draft.refresh_from_db()
    assert draft.published_at is None


def test_a_published_version_is_not_published_again(scheme, operator):
    published_at = scheme.published_at
    response = client_for(operator).post(
        f"/competencies/scheme/{scheme.pk}/publish/", {"revision": str(scheme.revision)}
    )
    assert response.status_code == 403
    scheme.refresh_from_db()
    assert scheme.published_at == published_at


def test_an_unusual_number_of_competencies_is_published_with_a_warning(draft, operator):
    for code in ["LEAD", "COOPERATE"]:
        draft.competencies.get(code=code).delete()
    page = client_for(operator).get(f"/competencies/scheme/{draft.pk}/publish/").content.decode()
    assert "The scheme has 5 competencies; the shipped scheme has six to eight" in page
    scheme_publish(scheme=draft, by=operator, revision=draft.revision)
    draft.refresh_from_db()
    assert draft.published_at is not None


def test_the_draft_s_names_and_change_note(draft, operator):
    client = client_for(operator)
    form = {
        "revision": str(draft.revision),
        "version": "2026.3",
        "name_pl": draft.name_pl,
        "name_en": draft.name_en,
        "change_note_pl": "Inna notatka.",
        "change_note_en": "Another note.",
        **{f"level_{level}_pl": f"poziom {level}" for level in range(1, 5)},
        **{f"level_{level}_en": f"level {level}" for level in range(1, 5)},
    }
    assert client.post(f"/competencies/scheme/{draft.pk}/edit/", form).status_code == 302
    draft.refresh_from_db()
    assert draft.version == "2026.3" and draft.change_note_en == "Another note."
    assert draft.level_names["2"] == {"pl": "poziom 2", "en": "level 2"}
    # A version number taken by another version is refused, nothing stored.
    refused = client.post(
        f"/competencies/scheme/{draft.pk}/edit/",
        {**form, "version": "2026.1", "revision": str(draft.revision), "change_note_pl": "X"},
    )
    assert refused.status_code == 400
    assert "Version 2026.1 already exists" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.version == "2026.3" and draft.change_note_pl == "Inna notatka."


def test_publishing_records_who_and_when(draft, operator):
    before = timezone.now()
    published = scheme_publish(scheme=draft, by=operator, revision=draft.revision)
    assert published.published_by == operator and published.published_at >= before


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_scheme_page_s_queries_do_not_grow_with_competencies(draft, operator):
    client = client_for(operator)
    url = f"/competencies/scheme/{draft.pk}/"
    before = _queries(client, url)
    for code in ("EXTRA_A", "EXTRA_B", "EXTRA_C"):
        competency_add(
            scheme=draft,
            by=operator,
            code=code,
            data=CompetencyInput(
                name_pl=code,
                expected={"strategic": 2, "middle": 2, "operational": 2},
                behaviours={level: (f"Poziom {level}.", "") for level in range(1, 5)},
            ),
            revision=None,
        )
    assert _queries(client, url) == before
    assert before <= 25


def test_a_removal_from_a_stale_page_is_refused(draft, operator):
    lead = draft.competencies.get(code="LEAD")
    opened_at = draft.revision
    competency_update(
        competency=draft.competencies.get(code="MEASURE"),
        by=operator,
        data=CompetencyInput(
            name_pl="Pomiar", expected={"strategic": 3, "middle": 3, "operational": 2}
        ),
        revision=opened_at,
    )
    response = client_for(operator).post(
        f"/competencies/scheme/{draft.pk}/competencies/{lead.pk}/remove/",
        {"revision": str(opened_at)},
    )
    assert response.status_code == 409
    assert "someone else saved this draft in the meantime" in response.content.decode()
    assert draft.competencies.filter(pk=lead.pk).exists()


def test_a_publication_from_a_stale_confirmation_is_refused(draft, operator):
    opened_at = draft.revision
    competency_remove(competency=draft.competencies.get(code="LEAD"), by=operator, revision=None)
    response = client_for(operator).post(
        f"/competencies/scheme/{draft.pk}/publish/", {"revision": str(opened_at)}
    )
    assert response.status_code == 409
    draft.refresh_from_db()
    assert draft.published_at is None


def test_a_version_lists_every_change_against_the_one_before(draft, operator, participant_a):
    lead = draft.competencies.get(code="LEAD")
    competency_update(
        competency=lead,
        by=operator,
        data=CompetencyInput(
            name_pl=lead.name_pl,
            name_en=lead.name_en,
            description_pl=lead.description_pl,
            expected={"strategic": 4, "middle": 3, "operational": 1},
            behaviours={2: ("Nowy opis poziomu 2.", "")},
        ),
        revision=None,
    )
    competency_remove(
        competency=draft.competencies.get(code="COOPERATE"), by=operator, revision=None
    )
    competency_add(
        scheme=draft,
        by=operator,
        code="DIGITAL",
        data=CompetencyInput(
            name_pl="Usługi cyfrowe",
            expected={"strategic": 2, "middle": 2, "operational": 2},
            behaviours={level: (f"Poziom {level}.", "") for level in range(1, 5)},
        ),
        revision=None,
    )
    page = client_for(operator).get(f"/competencies/scheme/{draft.pk}/").content.decode()
    assert "Every change against version 2026.1" in page
    assert "DIGITAL: added." in page and "COOPERATE: removed." in page
    assert "LEAD: changed" in page and "behaviours on level 2" in page
    assert "MEASURE: changed" not in page
    # Published, the version keeps the list against the one it replaced, for everyone.
    scheme_publish(scheme=draft, by=operator, revision=None)
    read = client_for(participant_a).get("/competencies/scheme/").content.decode()
    assert "DIGITAL: added." in read and "COOPERATE: removed." in read


def test_a_version_number_taken_meanwhile_is_refused_not_an_error(scheme, operator, monkeypatch):
    # Two copies made at once: both pass the check, the database keeps the number unique.
    monkeypatch.setattr(editing, "_version_check", lambda version, scheme=None: version)
    with pytest.raises(SchemeError, match=r"Version 2026\.1 already exists"):
        scheme_copy(scheme=scheme, version="2026.1", by=operator, change_note_pl="Zmiana.")
    assert CompetencyScheme.objects.count() == 1
    assert Competency.objects.count() == scheme.competencies.count()
