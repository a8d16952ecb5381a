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
