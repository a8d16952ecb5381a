"""Context values: the bundled 2018 figures and GUS BDL, replayed from recorded answers."""

import io
import json
from pathlib import Path

import httpx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tasks import task_backends

from benchlearn.catalogue.models import Source, Variable
from benchlearn.units import bdl
from benchlearn.units.bdl import BdlClient, BdlConfig, BdlError, BdlOffline, bdl_unit_to_teryt
from benchlearn.units.models import ContextValue, ContextValueChange, Unit
from benchlearn.units.services import (
    context_fetch_bdl,
    context_load_bundled,
    context_variable_ensure,
    unit_registry_load_bundled,
)

RESPONSES = Path(__file__).parent / "bdl_responses"


# The recorded data of each BDL variable, by the name of its files.
RECORDED = {"72305": "population", "76037": "revenue"}


def page(number: int, variable: str = "72305") -> bytes:
    return (RESPONSES / f"{RECORDED[variable]}_page{number}.json").read_bytes()


class Recorded:
    """A BDL that answers from the recorded files, after some scripted failures."""

    def __init__(self, failures: list[object] | None = None, pages: dict | None = None):
        self.failures = list(failures or [])
        self.pages = pages or {}
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.failures:
            failure = self.failures.pop(0)
            if isinstance(failure, Exception):
                raise failure
            return failure  # an httpx.Response
        kind, _slash, variable = request.url.path.rstrip("/").rpartition("/")
        if kind.endswith("/variables"):
            return httpx.Response(
                200, content=(RESPONSES / f"variable_{variable}.json").read_bytes()
            )
        number = int(request.url.params["page"])
        return httpx.Response(200, content=self.pages.get(number) or page(number, variable))


class FakeTime:
    def __init__(self):
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def config(tmp_path: Path, **changes) -> BdlConfig:
    values = {
        "base_url": "https://bdl.stat.gov.pl/api/v1/",
        "client_id": "",
        "cache_dir": tmp_path / "cache",
        "cache_seconds": 3600,
        "requests_per_second": 5,
        "retries": 3,
        "timeout_seconds": 5,
        "page_size": 2,
    }
    return BdlConfig(**{**values, **changes})


def client(tmp_path, recorded: Recorded, time: FakeTime | None = None, **changes) -> BdlClient:
    time = time or FakeTime()
    return BdlClient(
        config(tmp_path, **changes),
        transport=httpx.MockTransport(recorded),
        sleep=time.sleep,
        clock=time.clock,
    )


def fetch(bdl_client: BdlClient):
    return context_fetch_bdl(
        client=bdl_client,
        bdl_variable=72305,
        variable=context_variable_ensure(code="POP"),
        years=[2022, 2023],
    )


def population(teryt: str) -> dict[int, float]:
    return dict(
        ContextValue.objects.filter(unit__teryt=teryt, variable__code="POP").values_list(
            "year", "value"
        )
    )


@pytest.mark.parametrize(
    ("unit_id", "teryt"),
    [
        ("011212161011", "1261011"),  # Kraków, gmina level
        ("071412865011", "1465011"),  # Warszawa
        ("011212161000", "1261"),  # Kraków, county level
        ("012415502022", "2402022"),  # Bestwina
        ("011200000000", "12"),  # małopolskie
    ],
)
def test_bdl_unit_ids_map_to_teryt(unit_id, teryt):
    assert bdl_unit_to_teryt(unit_id) == teryt


@pytest.mark.parametrize("unit_id", ["123", "01121216101X", "000000000000", "011212100000"])
def test_bdl_ids_that_are_not_units_are_refused(unit_id):
    with pytest.raises(BdlError):
        bdl_unit_to_teryt(unit_id)


def test_fetch_reads_every_page_and_stores_values_with_history(tmp_path, units):
    recorded = Recorded()
    result = fetch(client(tmp_path, recorded))

    assert [int(r.url.params["page"]) for r in recorded.requests] == [0, 1, 2]
    assert recorded.requests[0].url.params.get_list("year") == ["2022", "2023"]
    assert recorded.requests[0].url.params["unit-level"] == "6"
    assert (result.records, result.stored.created) == (9, 5)
    assert result.skipped == ["012414308022", "012415502034"]
    assert population("2461011") == {2022: 167000, 2023: 166000}
    assert population("2466011") == {2022: 175000, 2023: 174000}
    assert population("2402022") == {2022: 12100}  # 2023 has no figure in BDL
    value = ContextValue.objects.get(unit__teryt="2461011", variable__code="POP", year=2022)
    assert value.source == "BDL 72305"
    change = ContextValueChange.objects.get(context_value=value)
    assert (change.old_value, change.new_value, change.origin) == (None, 167000, "bdl-fetch 72305")
    variable = Variable.objects.get(code="POP")
    assert variable.source == Source.PUBLIC_STATISTICS


def test_a_changed_figure_is_updated_and_its_history_kept(tmp_path, units):
    fetch(client(tmp_path, Recorded()))
    revised = json.loads(page(0))
    revised["results"][0]["values"][1]["val"] = 165500
    recorded = Recorded(pages={0: json.dumps(revised).encode()})

    result = fetch(client(tmp_path, recorded, cache_dir=tmp_path / "other"))

    assert (result.stored.created, result.stored.changed, result.stored.unchanged) == (0, 1, 4)
    value = ContextValue.objects.get(unit__teryt="2461011", year=2023)
    assert value.value == 165500
    history = list(value.changes.order_by("pk").values_list("old_value", "new_value"))
    assert history == [(None, 166000), (166000, 165500)]


def test_answers_are_cached_by_url(tmp_path, units):
    fetch(client(tmp_path, Recorded()))
    again = Recorded()
    result = fetch(client(tmp_path, again))
    assert again.requests == []
    assert result.requests == 0
    assert result.stored.unchanged == 5


def test_rate_limit_spaces_requests(tmp_path, units):
    time = FakeTime()
    fetch(client(tmp_path, Recorded(), time, requests_per_second=4))
    assert time.sleeps == [0.25, 0.25]


def test_429_and_503_are_retried_with_backoff(tmp_path, units):
    time = FakeTime()
    recorded = Recorded(
        failures=[
            httpx.Response(429, headers={"Retry-After": "3"}),
            httpx.Response(503),
        ]
    )
    result = fetch(client(tmp_path, recorded, time))
    assert result.stored.created == 5
    assert len(recorded.requests) == 5
    assert 3.0 in time.sleeps and 2.0 in time.sleeps  # Retry-After, then the 2nd backoff


def test_offline_is_a_clear_error_and_nothing_is_stored(tmp_path, units):
    time = FakeTime()
    timeouts = [httpx.ConnectTimeout("timed out") for _ in range(4)]
    recorded = Recorded(failures=timeouts)
    with pytest.raises(BdlOffline) as caught:
        fetch(client(tmp_path, recorded, time))
    assert "No connection to BDL (https://bdl.stat.gov.pl/api/v1/)" in str(caught.value)
    assert len(recorded.requests) == 4  # the first try and three retries
    assert time.sleeps == [1, 2, 4]
    assert not ContextValue.objects.exists()


def test_malformed_json_on_a_later_page_stores_nothing_and_is_not_cached(tmp_path, units):
    recorded = Recorded(pages={1: (RESPONSES / "malformed.json").read_bytes()})
    with pytest.raises(BdlError) as caught:
        fetch(client(tmp_path, recorded))
    assert "is not valid JSON" in str(caught.value)
    assert "page=1" in str(caught.value)
    assert not ContextValue.objects.exists()
    assert len(list((tmp_path / "cache").iterdir())) == 1  # page 0 only


def test_an_answer_in_another_format_is_refused(tmp_path, units):
    recorded = Recorded(pages={0: b'{"errors": ["bad request"]}'})
    with pytest.raises(BdlError, match="lacks totalRecords or results"):
        fetch(client(tmp_path, recorded))


def test_bdl_fetch_command(tmp_path, units, settings, monkeypatch):
    settings.BDL_CACHE_DIR = tmp_path / "cache"
    recorded = Recorded()
    monkeypatch.setattr(bdl, "default_transport", httpx.MockTransport(recorded))
    settings.BDL_PAGE_SIZE = 2
    out = io.StringIO()
    call_command(
        "bdl-fetch", "--bdl-variable", "72305", "--code", "POP", "--years", "2022-2023", stdout=out
    )
    assert "BDL variable 72305: ogółem – ogółem [osoba]" in out.getvalue()
    assert "POP from BDL variable 72305: 9 values, 5 new, 0 changed" in out.getvalue()
    # Three pages of data, and the variable's name.
    assert "2 BDL units not in the registry skipped; 4 requests to BDL" in out.getvalue()
    assert recorded.requests[1].url.params.get_list("year") == ["2022", "2023"]


def test_bdl_fetch_takes_the_bdl_source_the_catalogue_names(tmp_path, units, settings, monkeypatch):
    """The shipped catalogue names BDL variable 76037 as the source of a gmina's total
    revenue: an operator fetches it by the catalogue's code alone, sees BDL's name of
    the variable, and the published figures are stored with their source."""
    call_command("catalogue", "load-default", stdout=io.StringIO())
    settings.BDL_CACHE_DIR = tmp_path / "cache"
    recorded = Recorded()
    monkeypatch.setattr(bdl, "default_transport", httpx.MockTransport(recorded))
    settings.BDL_PAGE_SIZE = 2
    out = io.StringIO()
    call_command("bdl-fetch", "--code", "FIN_REV_TOTAL", "--years", "2023", stdout=out)
    assert "BDL variable 76037: ogółem [zł]" in out.getvalue()
    assert "FIN_REV_TOTAL from BDL variable 76037: 2 values, 2 new" in out.getvalue()
    assert recorded.requests[-1].url.params["unit-level"] == "6"
    stored = ContextValue.objects.filter(variable__code="FIN_REV_TOTAL", year=2023)
    assert {(v.unit.teryt, v.value, v.source) for v in stored} == {
        ("2461011", 1650000000.55, "BDL 76037"),
        ("2402022", 98000000, "BDL 76037"),
    }
    # A form variable: the figure is a check of the unit's entry, not a value computed with.
    assert Variable.objects.get(code="FIN_REV_TOTAL").source == Source.FORM


def test_bdl_fetch_without_a_source_asks_for_one(units):
    """A variable whose catalogue entry names no BDL source needs --bdl-variable."""
    context_variable_ensure(code="POP")
    with pytest.raises(CommandError) as caught:
        call_command("bdl-fetch", "--code", "POP", "--years", "2023")
    assert caught.value.returncode == 2
    assert "names no BDL source of POP: give the BDL variable with --bdl-variable" in str(
        caught.value
    )
    assert not ContextValue.objects.exists()


def test_bdl_fetch_at_a_level_the_source_does_not_cover_is_refused(units):
    call_command("catalogue", "load-default", stdout=io.StringIO())
    with pytest.raises(CommandError, match="BDL publishes FIN_REV_TOTAL at levels 6 only"):
        call_command("bdl-fetch", "--code", "FIN_REV_TOTAL", "--years", "2023", "--unit-level", "5")


def test_bdl_fetch_command_offline_exits_with_2(tmp_path, units, settings, monkeypatch):
    settings.BDL_CACHE_DIR = tmp_path / "cache"
    settings.BDL_RETRIES = 0

    def offline(request):
        raise httpx.ConnectError("no route to host")

    monkeypatch.setattr(bdl, "default_transport", httpx.MockTransport(offline))
    with pytest.raises(CommandError) as caught:
        call_command("bdl-fetch", "--bdl-variable", "72305", "--code", "POP", "--years", "2023")
    assert caught.value.returncode == 2
    assert "No connection to BDL" in str(caught.value)


def test_bdl_fetch_queued_for_a_worker(tmp_path, units, settings, monkeypatch):
    settings.BDL_CACHE_DIR = tmp_path / "cache"
    monkeypatch.setattr(bdl, "default_transport", httpx.MockTransport(Recorded()))
    settings.BDL_PAGE_SIZE = 2
    out = io.StringIO()
    arguments = ("--bdl-variable", "72305", "--code", "POP", "--years", "2022-2023")
    call_command("bdl-fetch", *arguments, "--queue", stdout=out)
    assert "Queued" in out.getvalue() and not ContextValue.objects.exists()
    (queued,) = task_backends["default"].results
    summary = queued.task.call(*queued.args, **queued.kwargs)  # as the worker runs it
    assert summary == {"records": 9, "created": 5, "changed": 0, "unchanged": 0, "skipped": 2}
    assert ContextValue.objects.filter(variable__code="POP").count() == 5


def test_bdl_fetch_refuses_an_unknown_variable(units):
    with pytest.raises(CommandError, match="no variable NOPE"):
        call_command("bdl-fetch", "--bdl-variable", "1", "--code", "NOPE", "--years", "2023")


def test_bundled_context_covers_every_unit_and_loads_once(db):
    unit_registry_load_bundled()
    first = context_load_bundled()
    assert {code: r.created for code, r in first.items()} == {
        "POP": 2807,
        "AREA_KM2": 2807,
        "DENSITY": 2807,
        "DEGURBA": 2477,
    }
    again = context_load_bundled()
    assert all(r.created == r.changed == 0 for r in again.values())
    assert population("1465011") == {2018: 1777972}
    assert population("2402") == {2018: 165000}  # powiat bielski: the sum of its gminas
    assert sum(population(unit.teryt)[2018] for unit in Unit.objects.filter(kind="woj")) == (
        38_411_148 - 2_478  # Poland on 31.12.2018, less Ostrowice, abolished in 2019
    )
    density = ContextValue.objects.get(unit__teryt="1465011", variable__code="DENSITY")
    assert density.value == 3437.4


def _by_variable(figures: dict[int, dict[str, float]]):
    """A BDL answering each variable's figures (BDL unit id → value in 2023), one page."""

    def answer(request: httpx.Request) -> httpx.Response:
        variable_id = int(request.url.path.rsplit("/", 1)[-1])
        if "/variables/" in request.url.path:
            return httpx.Response(200, json={"id": variable_id, "n1": f"part {variable_id}"})
        results = [
            {"id": unit_id, "name": "", "values": [{"year": "2023", "val": value, "attrId": 1}]}
            for unit_id, value in figures.get(variable_id, {}).items()
        ]
        body = {"totalRecords": len(results), "page": 0, "pageSize": 100, "results": results}
        return httpx.Response(200, json=body)

    return answer


BIELSKO, BESTWINA = "012415561011", "012415502022"  # BDL ids of units A and C


def test_several_bdl_variables_are_added_up_into_a_survey_margin(tmp_path, units, settings):
    from benchlearn.surveys.questionnaires import questionnaires_load

    questionnaires_load()  # adds the margin variables (POP_18_24…) to the catalogue
    figures = {
        101: {BIELSKO: 2100, BESTWINA: 150},  # aged 18–19
        102: {BIELSKO: 6400, BESTWINA: 480},  # 20–24
        103: {BIELSKO: 1000},  # a third part Bestwina has no figure for
    }
    bdl_client = BdlClient(
        config(tmp_path, page_size=100), transport=httpx.MockTransport(_by_variable(figures))
    )
    result = context_fetch_bdl(
        client=bdl_client,
        bdl_variable=[101, 102, 103],
        variable=Variable.objects.get(code="POP_18_24"),
        years=[2023],
    )
    stored = dict(
        ContextValue.objects.filter(variable__code="POP_18_24").values_list("unit__teryt", "value")
    )
    # Bestwina lacks one of the three parts: no sum rather than too small a one.
    assert stored == {"2461011": 9500}
    assert (result.records, result.stored.created) == (5, 1)
    value = ContextValue.objects.get(variable__code="POP_18_24")
    assert value.source == "BDL 101+102+103"
    assert value.changes.get().origin == "bdl-fetch 101+102+103"


def test_the_command_takes_the_bdl_variables_to_add_up(tmp_path, units, settings, monkeypatch):
    from benchlearn.surveys.questionnaires import questionnaires_load

    questionnaires_load()
    settings.BDL_CACHE_DIR = tmp_path / "cache"
    figures = {201: {BIELSKO: 70000}, 202: {BIELSKO: 6000}}  # women 18–64, 65+
    monkeypatch.setattr(bdl, "default_transport", httpx.MockTransport(_by_variable(figures)))
    out = io.StringIO()
    call_command(
        "bdl-fetch",
        *("--bdl-variable", "201", "--bdl-variable", "202", "--code", "POP_F_18PLUS"),
        *("--years", "2023"),
        stdout=out,
    )
    assert "POP_F_18PLUS from BDL variable 201+202: 2 values, 1 new" in out.getvalue()
    assert ContextValue.objects.get(variable__code="POP_F_18PLUS").value == 76000


def test_given_bdl_variables_at_two_levels_are_fetched_in_one_go(
    tmp_path, units, settings, monkeypatch
):
    """A city with county rights comes at the gmina level and, by its county code, at
    the county level: fetched together, it keeps one value with one recorded change."""
    settings.BDL_CACHE_DIR = tmp_path / "cache"
    city_as_county = "012415561000"  # Bielsko-Biała at BDL's county level
    figures = {301: {BIELSKO: 170000, city_as_county: 170000}}
    monkeypatch.setattr(bdl, "default_transport", httpx.MockTransport(_by_variable(figures)))
    out = io.StringIO()
    arguments = ("--bdl-variable", "301", "--code", "POP", "--years", "2023")
    call_command("bdl-fetch", *arguments, "--unit-level", "6", "--unit-level", "5", stdout=out)
    assert out.getvalue().count("POP from BDL variable 301:") == 1
    value = ContextValue.objects.get(variable__code="POP", unit__teryt="2461011", year=2023)
    assert value.value == 170000 and value.changes.count() == 1


def test_a_variable_answer_without_a_name_stops_the_fetch_and_stores_nothing(
    tmp_path, units, settings, monkeypatch
):
    settings.BDL_CACHE_DIR = tmp_path / "cache"

    def nameless(request: httpx.Request) -> httpx.Response:
        if "/variables/" in request.url.path:
            return httpx.Response(200, json={"errors": ["unknown variable"]})
        return _by_variable({301: {BIELSKO: 170000}})(request)

    monkeypatch.setattr(bdl, "default_transport", httpx.MockTransport(nameless))
    with pytest.raises(CommandError) as caught:
        call_command("bdl-fetch", "--bdl-variable", "301", "--code", "POP", "--years", "2023")
    assert caught.value.returncode == 2
    assert "names no variable: not the documented format" in str(caught.value)
    assert not ContextValue.objects.exists()
