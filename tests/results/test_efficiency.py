"""DEA models chosen by an operator, scored at every computation; the efficiency page
names the unit's efficient peers."""

import pytest
from django.core.exceptions import PermissionDenied

from benchlearn.catalogue.models import Variable
from benchlearn.collection.selectors import values_frame
from benchlearn.engine.dea import dea
from benchlearn.results.models import EfficiencyModel, EfficiencyScore
from benchlearn.results.services import (
    EfficiencyModelError,
    computation_request,
    computation_run,
    efficiency_model_save,
)
from benchlearn.units.models import Unit
from tests.conftest import client_for


def save(operator, **changes):
    arguments = {
        "user": operator,
        "code": "edu-cost",
        "name_pl": "Koszt oświaty",
        "inputs": ["EDU_EXP"],
        "outputs": ["TEACHERS", "NEW_PUPILS"],
        "rts": "vrs",
        "orientation": "input",
    }
    return efficiency_model_save(**(arguments | changes))


@pytest.fixture
def scored(computed_programme, operator):
    model = save(operator)
    computation = computation_run(computation_request(user=operator).pk)
    return computed_programme, model, computation


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"inputs": []}, "at least one input"),
        ({"outputs": [" "]}, "at least one output"),
        ({"inputs": ["NOPE"]}, "Unknown variable or indicator codes: NOPE"),
        ({"outputs": ["EDU_EXP"]}, "both an input and an output: EDU_EXP"),
        ({"rts": "xyz"}, "returns to scale"),
    ],
)
def test_a_bad_model_is_refused_with_every_problem(published, operator, changes, message):
    with pytest.raises(EfficiencyModelError) as refused:
        save(operator, **changes)
    assert any(message in problem for problem in refused.value.problems)
    assert not EfficiencyModel.objects.exists()


def test_only_operators_define_models(published, participant_a):
    with pytest.raises(PermissionDenied):
        save(participant_a)


def test_scores_are_the_engines_for_every_period(scored):
    programme, model, computation = scored
    values = values_frame(
        periods=[2024],
        units=programme["units"],
        variables=Variable.objects.filter(code__in=["EDU_EXP", "TEACHERS", "NEW_PUPILS"]),
    )
    wide = values.pivot(on="variable", index="unit", values="value")
    expected = dea(
        wide, id="unit", inputs=["EDU_EXP"], outputs=["TEACHERS", "NEW_PUPILS"], rts="vrs"
    )
    stored = {
        s.unit.teryt: s
        for s in EfficiencyScore.objects.filter(
            computation=computation, model=model, period=2024
        ).select_related("unit")
    }
    for teryt, score, efficient in expected.scores.select(
        "id", "efficiency", "efficient"
    ).iter_rows():
        assert stored[teryt].score == pytest.approx(score)
        assert stored[teryt].efficient == efficient
    assert {s.period for s in EfficiencyScore.objects.filter(model=model)} == {2023, 2024}


def test_efficiency_page_shows_the_peers_to_learn_from_named_only_where_names_are(
    computed_programme, operator
):
    from benchlearn.accounts.models import User
    from benchlearn.units.models import Level
    from benchlearn.units.services import unit_membership_set

    # Constant returns to scale: here one unit is the frontier and the others learn from it.
    model = save(operator, code="edu-crs", rts="crs")
    computation = computation_run(computation_request(user=operator).pk)
    learner = next(
        s
        for s in EfficiencyScore.objects.filter(computation=computation, model=model, period=2024)
        if s.score is not None and not s.efficient and s.peers
    )
    peers = [Unit.objects.get(pk=pk) for pk, _weight in learner.peers]
    url = f"/units/{learner.unit.teryt}/efficiency/{model.code}/?group=all&year=2024"

    named = client_for(operator).get(url).content.decode()
    assert f"{learner.score:.3f}" in named
    for peer in peers:
        assert f'<a href="/units/{peer.teryt}/">{peer.name}</a>' in named

    clerk = User.objects.create_user(email="urzednik@example.org", full_name="Urszula Urzędnik")
    unit_membership_set(user=clerk, unit=learner.unit, level=Level.OPERATIONAL)
    hidden = client_for(clerk).get(url).content.decode()
    assert f"{learner.score:.3f}" in hidden
    for peer in peers:
        assert peer.name not in hidden and f"/units/{peer.teryt}/" not in hidden
    assert "Names are hidden in this comparison" in hidden
    assert "Other units are shown as letters" in hidden


def test_unknown_model_gives_a_clear_page(scored, participant_a):
    unit_a = scored[0]["unit_a"]
    response = client_for(participant_a).get(f"/units/{unit_a.teryt}/efficiency/nope/")
    assert response.status_code == 404
    assert "There is no efficiency model nope" in response.content.decode()


def test_operator_defines_a_model_on_the_page(published, operator):
    client = client_for(operator)
    form = {
        "code": "waste",
        "name_pl": "Odpady",
        "inputs": "",
        "outputs": "WASTE_T",
        "rts": "crs",
        "orientation": "input",
    }
    refused = client.post("/results/efficiency/", form)
    assert refused.status_code == 400
    assert "at least one input" in refused.content.decode()
    assert not EfficiencyModel.objects.exists()
    accepted = client.post("/results/efficiency/", form | {"inputs": "EDU_EXP; SUBSIDY"})
    assert accepted.status_code == 302
    assert EfficiencyModel.objects.get(code="waste").inputs == ["EDU_EXP", "SUBSIDY"]


def test_excluded_units_keep_their_reason(computed_programme, operator):
    model = save(operator, inputs=["SATISF"])  # a survey variable nobody has: no data
    computation = computation_run(computation_request(user=operator).pk)
    scores = EfficiencyScore.objects.filter(computation=computation, model=model)
    assert scores.count() == 8 + 7  # eight units in 2023; unit C has no 2024 values
    assert all(s.score is None and s.excluded for s in scores)
