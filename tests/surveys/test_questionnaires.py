from pathlib import Path

import pytest
import yaml

from benchlearn.catalogue.services import catalogue_load_default
from benchlearn.engine.io.catalogue_yaml import default_catalogue_text
from benchlearn.surveys.answering import is_shown
from benchlearn.surveys.models import (
    Question,
    QuestionKind,
    Questionnaire,
    QuestionRole,
    SurveyEvent,
)
from benchlearn.surveys.questionnaires import (
    SHIPPED,
    QuestionnaireFileError,
    questionnaires_load,
    read_questionnaires,
)


def _default_domains() -> set[str]:
    """The default catalogue's domains that ask residents: those with survey variables.
    (Finance, FIN, has none: the Ministry of Finance's ratios of the unit's budget are not
    a service residents rate, so it has no questionnaire.)"""
    data = yaml.safe_load(default_catalogue_text())
    surveyed = {v.get("domain") for v in data["variables"] if v.get("source") == "survey"}
    return {domain["code"] for domain in data["domains"]} & surveyed


def test_every_domain_of_the_default_catalogue_has_a_questionnaire_in_both_languages():
    specs = read_questionnaires()
    assert {spec.domain for spec in specs} == _default_domains()
    for spec in specs:
        assert spec.name_pl and spec.name_en and spec.intro_pl and spec.intro_en
        roles = [q["role"] for q in spec.questions]
        for role in ("filter", "overall", "recommend", "open", "sex", "age", "item"):
            assert role in roles, (spec.code, role)
        for question in spec.questions:
            assert question["text_pl"] and question["text_en"], question["code"]
            for option in question["options"]:
                assert option["label_pl"] and option["label_en"]
        overall = next(q for q in spec.questions if q["role"] == "overall")
        assert overall["kind"] == QuestionKind.SCALE5 and overall["dont_know"]
        items = [q for q in spec.questions if q["role"] == "item"]
        assert all(q["show_if"] == {"question": "USE", "in": ["1"]} for q in items)


def test_loading_twice_changes_nothing_and_a_changed_file_makes_a_new_version(db, tmp_path):
    catalogue_load_default(user=None)
    first = questionnaires_load()
    assert len(first.created) == len(_default_domains())
    assert Questionnaire.objects.get(code="WST_SATISFACTION").domain.code == "WST"
    again = questionnaires_load()
    assert again.created == [] and again.new_versions == []
    assert len(again.unchanged) == len(first.created)
    assert Question.objects.filter(version__questionnaire__code="EDU_SATISFACTION").count() == 13

    changed = SHIPPED.read_text(encoding="utf-8").replace(
        "z jakości nauczania?", "z jakości nauczania w szkołach?"
    )
    path = tmp_path / "q.yaml"
    path.write_text(changed, encoding="utf-8")
    report = questionnaires_load(path=path)
    assert report.new_versions == ["EDU_SATISFACTION"]
    edu = Questionnaire.objects.get(code="EDU_SATISFACTION")
    assert list(edu.versions.values_list("number", flat=True)) == [2, 1]
    # The first version, which surveys may use, is left as it was.
    assert edu.versions.get(number=1).questions.get(code="I3").text_pl.endswith("nauczania?")
    assert SurveyEvent.objects.filter(questionnaire=edu, kind="shipped_loaded").count() == 2


def test_a_broken_file_is_refused_with_where_and_nothing_stored(db, tmp_path):
    broken = SHIPPED.read_text(encoding="utf-8").replace(
        'show_if: &users {question: USE, in: ["1"]}',
        'show_if: &users {question: NOPE, in: ["1"]}',
    )
    path = tmp_path / "q.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(QuestionnaireFileError, match="EDU_SATISFACTION I1"):
        questionnaires_load(path=path)
    assert not Questionnaire.objects.exists()


def test_the_filter_question_hides_the_items_from_those_who_do_not_use_the_service(shipped):
    version = Questionnaire.objects.get(code="ADM_SATISFACTION").versions.get()
    item = version.questions.get(role=QuestionRole.ITEM, code="I1")
    assert is_shown(item, {"USE": "1"})
    assert not is_shown(item, {"USE": "2"})
    assert not is_shown(item, {})
    assert version.questions.get(code="OPEN").show_if is None


COUNTY_DOMAINS = {"SEC", "CRD", "FAM", "LAB", "BLD", "VEH", "GEO"}


def test_county_questionnaires_speak_of_the_county_and_gmina_ones_keep_the_shared_intro():
    specs = {spec.domain: spec for spec in read_questionnaires()}
    assert specs.keys() >= COUNTY_DOMAINS
    for domain in COUNTY_DOMAINS:
        spec = specs[domain]
        assert "powiat" in spec.intro_pl and "county" in spec.intro_en, spec.code
        assert "usługi gminy" not in spec.intro_pl and "gmina" not in spec.intro_en, spec.code
        for question in spec.questions:
            # Not the common AREA question either: it asks for the part of the gmina.
            assert "gmin" not in question["text_pl"] + question["help_pl"], question["code"]
            assert "gmina" not in question["text_en"] + question["help_en"], question["code"]
    shared = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))["intro"]
    edu = specs["EDU"]
    assert (edu.intro_pl, edu.intro_en) == (shared["pl"].strip(), shared["en"].strip())
    assert "usługi gminy" in edu.intro_pl
    # Health is asked by gminas and counties alike: its intro names both.
    health = specs["HLT"]
    assert "w gminie i powiecie" in health.intro_pl and "gmina and county" in health.intro_en


def _file(tmp_path, intro: str, own_intro: str = "") -> Path:
    """A file of one questionnaire, TEST, under the file's ``intro``; ``own_intro``, if
    given, is the YAML of TEST's own intro."""
    path = tmp_path / "q.yaml"
    path.write_text(
        "format: benchlearn-questionnaires\n"
        f"intro: {{pl: '{intro}', en: 'Thanks'}}\n"
        "questionnaires:\n"
        "  - code: TEST\n"
        "    name: {pl: Test, en: Test}\n"
        + (f"    intro: {own_intro}\n" if own_intro else "")
        + "    questions:\n"
        "      - {code: OVERALL, kind: scale5, role: overall, text: {pl: Ocena, en: Rating}}\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("own_intro", ["5", "Dziękujemy", "{en: Thank you}", "{pl: ''}"])
def test_a_questionnaire_whose_own_intro_is_malformed_is_refused_naming_it(tmp_path, own_intro):
    with pytest.raises(QuestionnaireFileError, match="TEST intro"):
        read_questionnaires(_file(tmp_path, "Dziękujemy", own_intro))


def test_a_questionnaires_own_intro_replaces_the_files(tmp_path):
    (spec,) = read_questionnaires(_file(tmp_path, "Wspólny", "{pl: Własny, en: Own}"))
    assert (spec.intro_pl, spec.intro_en) == ("Własny", "Own")
    (spec,) = read_questionnaires(_file(tmp_path, "Wspólny"))
    assert (spec.intro_pl, spec.intro_en) == ("Wspólny", "Thanks")


def test_a_changed_intro_alone_makes_a_new_version_carrying_it(db, tmp_path):
    assert questionnaires_load(path=_file(tmp_path, "Stary")).created == ["TEST"]
    assert questionnaires_load(path=_file(tmp_path, "Stary")).unchanged == ["TEST"]
    assert questionnaires_load(path=_file(tmp_path, "Nowy")).new_versions == ["TEST"]
    own = _file(tmp_path, "Nowy", "{pl: Własny, en: Own}")
    assert questionnaires_load(path=own).new_versions == ["TEST"]
    assert questionnaires_load(path=own).unchanged == ["TEST"]
    versions = Questionnaire.objects.get(code="TEST").versions.order_by("number")
    assert [(v.number, v.intro_pl) for v in versions] == [(1, "Stary"), (2, "Nowy"), (3, "Własny")]
    assert all(v.questions.count() == 1 for v in versions)
