"""Efficiency (DEA) in a real browser: the page that says in Polish why no score is shown
where too few units of a kind have the data, the operator's editor (searching the
catalogue, picking, changing and deleting a model), and the scores of the demo."""

import pytest

from benchlearn.demo.build import DEMO_PASSWORD, PARTICIPANTS
from benchlearn.reports.bundle import ensure_bundle
from benchlearn.results.models import EfficiencyModel, EfficiencyScore, Reference
from benchlearn.results.services import (
    computation_request,
    computation_run,
    efficiency_model_save,
)
from tests.browser.conftest import axe_check, login
from tests.demo_database import demo_database
from tests.results.conftest import (  # noqa: F401 - fixtures
    computed_programme,
    extra_units,
    published,
)

pytestmark = pytest.mark.browser


def test_too_few_units_of_a_kind_the_page_says_why_and_shows_no_score(
    page,
    live_server,
    computed_programme,  # noqa: F811 - the fixture imported above
    operator,
    participant_a,
):
    ensure_bundle()
    # Unit A is one of two cities with county rights with the data: 2 < 6 that one
    # input and one output need.
    efficiency_model_save(
        user=operator,
        code="koszt",
        name_pl="Koszt kadry",
        inputs=["EDU_EXP"],
        outputs=["TEACHERS"],
        rts="vrs",
        orientation="input",
        reference=Reference.KIND,
    )
    computation_run(computation_request(user=operator).pk)
    unit_a = computed_programme["unit_a"]
    login(page, live_server, participant_a.email)
    page.goto(f"{live_server.url}/units/{unit_a.teryt}/results/")
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name="Koszt kadry").click()
    notice = page.locator("#efficiency-too-few")
    text = notice.inner_text()
    assert "Nie pokazujemy efektywności za ten rok." in text
    assert "tylko jednostki w liczbie 2 (miasta na prawach powiatu)" in text
    assert "co najmniej 6" in text
    assert "prawie każda wychodzi efektywna" in text
    main = page.locator("main")
    assert main.locator("figure.chart-efficiency").count() == 0
    assert main.locator("#efficiency-table").count() == 0
    assert "Efektywność Twojej jednostki" not in main.inner_text()
    axe_check(page)


def test_operator_searches_the_catalogue_picks_changes_and_deletes_a_model(
    page,
    live_server,
    published,  # noqa: F811 - the fixture imported above
    operator,
):
    login(page, live_server, operator.email)
    page.goto(f"{live_server.url}/results/efficiency/")
    main = page.locator("main")
    assert "slug" not in main.inner_text().lower()
    main.get_by_label("Nazwa (po polsku)").fill("Kadra a koszty")

    inputs = main.locator("#field-inputs")
    search = inputs.locator("input.catalogue-search")
    search.fill("wydatki")
    visible = inputs.locator("select option:not([hidden])")
    assert visible.count() >= 1
    assert all("wydatki" in text.lower() for text in visible.all_inner_texts())
    inputs.locator("select").select_option(["EDU_EXP"])
    assert "EDU_EXP" in inputs.locator("ul.catalogue-picked").inner_text()

    outputs = main.locator("#field-outputs")
    outputs.locator("input.catalogue-search").fill("TEACHERS")
    outputs.locator("select").select_option(["TEACHERS"])
    # Each choice explained in words, not codes alone.
    assert "stałe korzyści skali" in main.locator("#field-rts").inner_text()
    main.locator("#field-reference").get_by_text("wszystkimi jednostkami").click()
    axe_check(page)
    with page.expect_navigation():
        main.get_by_role("button", name="Zapisz").click()
    assert "Model „Kadra a koszty” zapisany" in page.locator("body").inner_text()
    model = EfficiencyModel.objects.get()
    assert (model.inputs, model.outputs, model.reference) == (["EDU_EXP"], ["TEACHERS"], "all")
    listed = page.locator("#efficiency-models").inner_text()
    assert "Kadra a koszty" in listed and "EDU_EXP" in listed

    with page.expect_navigation():
        page.locator("#efficiency-models").get_by_role("link", name="Zmień").click()
    main = page.locator("main")
    assert main.get_by_label("Nazwa (po polsku)").input_value() == "Kadra a koszty"
    picked = main.locator("#field-inputs ul.catalogue-picked").inner_text()
    assert "EDU_EXP" in picked
    main.locator("#field-inputs select").select_option(["SUBSIDY"])
    with page.expect_navigation():
        main.get_by_role("button", name="Zapisz").click()
    model.refresh_from_db()
    assert model.inputs == ["SUBSIDY"]

    table = page.locator("#efficiency-models")
    table.get_by_text("Usuń…").click()
    with page.expect_navigation():
        table.get_by_role("button", name="Usuń model").click()
    assert "Model „Kadra a koszty” usunięty." in page.locator("body").inner_text()
    assert not EfficiencyModel.objects.exists()
    assert page.locator("#efficiency-models").count() == 0


def test_the_demo_shows_efficiency_scores_to_its_participant(page, live_server):
    ensure_bundle()
    demo_database()
    account, teryt, _level = PARTICIPANTS[0]
    login(page, live_server, account.email, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/units/{teryt}/results/?group=all")
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name="Oświata: wydatki bieżące").click()
    main = page.locator("main")
    assert "Nie pokazujemy efektywności" not in main.inner_text()
    assert "Efektywność Twojej jednostki:" in main.inner_text()
    main.locator("figure.chart-efficiency svg").first.wait_for()
    rows = main.locator("#efficiency-table tbody tr")
    assert rows.count() == 30
    own = main.locator("#efficiency-table tr.own td").all_inner_texts()
    # The page opens on the unit's latest year with results.
    score = (
        EfficiencyScore.objects.filter(model__code="oswiata-koszt", unit__teryt=teryt)
        .order_by("-period")
        .first()
    )
    flag = "na granicy efektywności" if score.efficient else "poza granicą"
    assert own[2] == flag
    assert own[1].startswith("1,000" if score.efficient else ("0," if score.score < 1 else "≈"))
    axe_check(page)
