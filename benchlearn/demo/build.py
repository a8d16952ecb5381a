"""A believable programme to try Benchlearn with: real units, one account per role,
approved data from 2021 to the year before last, last year's rounds open with most
values in, an efficiency (DEA) model for education and one for waste, and the results
computed from them.

Four exchange groups: education (eight cities with county rights) and waste (eight
rural gminas), in their first cycle (``cycle``); county tasks (powiat bielski with
Bielsko-Biała and Tychy: secondary schools, county roads and a city's gmina roads,
``county``) and health (eight rural gminas, ``health``), formed for the next cycle. Every
demo unit compares its finances (``finance``): the year before last closed, last year
open. Last year's county round holds two planted mistakes, in drafts of units with a
demo participant, that the checks catch: powiat bielski's county roads in metres, not
kilometres, and Bielsko-Biała's secondary-school spending in thousands of złoty (each
outside its quantity's hard range); no other demo value breaks a hard range.

Everything is created through the services, so the demo exercises the same code as
real work. Running it again changes nothing that is already there.
"""

from dataclasses import dataclass

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from benchlearn.accounts.models import User
from benchlearn.accounts.services import user_create
from benchlearn.catalogue.models import Domain, Indicator
from benchlearn.catalogue.services import catalogue_load_default, catalogue_publish
from benchlearn.demo import history
from benchlearn.demo.competencies import competencies_build
from benchlearn.demo.county import COUNTY, COUNTY_CITIES, COUNTY_TASKS
from benchlearn.demo.cycle import DROP_MAIL, RUN_AT_ONCE, cycle_build, cycle_first_year, seat_people
from benchlearn.demo.cycle_stories import DOMAINS
from benchlearn.demo.finance import FINANCE
from benchlearn.demo.health import HEALTH, HEALTH_GMINAS
from benchlearn.demo.history import (
    EDUCATION,
    EDUCATION_MORE_CITIES,
    OPEN_YEAR,
    WASTE,
    WASTE_MORE_GMINAS,
    history_build,
)
from benchlearn.demo.notices import notices_build, programme_build
from benchlearn.demo.plans import plans_build
from benchlearn.demo.portal import portal_build
from benchlearn.demo.practices import practices_build
from benchlearn.demo.surveys import surveys_build
from benchlearn.groups.models import ExchangeGroup
from benchlearn.groups.services import group_create
from benchlearn.notifications.models import Notification
from benchlearn.results.models import Computation, ComputationState, EfficiencyModel
from benchlearn.results.services import (
    computation_request,
    computation_run,
    efficiency_model_save,
)
from benchlearn.surveys.questionnaires import questionnaires_load
from benchlearn.units.models import Level, Unit
from benchlearn.units.services import (
    context_load_bundled,
    unit_membership_set,
    unit_registry_load_bundled,
)

DEMO_PASSWORD = "benchlearn-demo"
COUNTY_GROUP = "GWD Zadania powiatowe — powiat i miasta na prawach powiatu"
HEALTH_GROUP = "GWD Ochrona zdrowia — gminy wiejskie"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    role: str


@dataclass(frozen=True)
class AccountShown:
    """What `benchlearn demo` prints of an account: who it is, for which unit at which
    level, and the exchange groups it belongs to or moderates."""

    account: DemoAccount
    unit: str
    level: str
    groups: list[str]


EDUCATION_CITIES = [
    "2461011",
    "2466011",
    "2473011",
    "2477011",
    "2464011",
    "1661011",
    "3061011",
    "1263011",
]
WASTE_GMINAS = [
    "2402022",
    "2402052",
    "2402102",
    "2402072",
    "2402082",
    "2410022",
    "1218102",
    "1206012",
]

OPERATOR = DemoAccount("biuro@example.org", "Katarzyna Wójcik", "operator")
MODERATORS = [
    DemoAccount("moderator@example.org", "Piotr Zieliński", "moderator"),
    DemoAccount("moderatorka@example.org", "Ewa Kamińska", "moderator"),
]
# (account, TERYT of the unit, level)
PARTICIPANTS = [
    (
        DemoAccount("prezydent@example.org", "Jan Kowalski", "participant"),
        "2461011",
        Level.STRATEGIC,
    ),
    (DemoAccount("naczelnik@example.org", "Anna Nowak", "participant"), "2461011", Level.MIDDLE),
    (
        DemoAccount("szkoly@example.org", "Marek Lewandowski", "participant"),
        "2461011",
        Level.OPERATIONAL,
    ),
    (
        DemoAccount("gliwice@example.org", "Agnieszka Dąbrowska", "participant"),
        "2466011",
        Level.MIDDLE,
    ),
    (
        DemoAccount("rybnik@example.org", "Tomasz Mazur", "participant"),
        "2473011",
        Level.OPERATIONAL,
    ),
    (DemoAccount("wojt@example.org", "Zofia Krawczyk", "participant"), "2402022", Level.STRATEGIC),
    (
        DemoAccount("odpady@example.org", "Michał Piotrowski", "participant"),
        "2402022",
        Level.OPERATIONAL,
    ),
    (
        DemoAccount("jasienica@example.org", "Barbara Grabowska", "participant"),
        "2402052",
        Level.MIDDLE,
    ),
    (
        DemoAccount("drogi.powiat@example.org", "Paweł Szymański", "participant"),
        COUNTY,
        Level.OPERATIONAL,
    ),
]


def demo_units() -> dict[history.Domain, list[str]]:
    """The units (TERYT codes) each of the demo's domains collects data from."""
    return {
        EDUCATION: [*EDUCATION_CITIES, *EDUCATION_MORE_CITIES],
        WASTE: [*WASTE_GMINAS, *WASTE_MORE_GMINAS],
        # Every demo unit compares its finances, the county with them.
        FINANCE: [
            *EDUCATION_CITIES,
            *EDUCATION_MORE_CITIES,
            *WASTE_GMINAS,
            *WASTE_MORE_GMINAS,
            COUNTY,
        ],
        COUNTY_TASKS: [COUNTY, *COUNTY_CITIES],
        HEALTH: HEALTH_GMINAS,
    }


def _account(account: DemoAccount, *, is_operator: bool = False) -> User:
    user = User.objects.filter(email__iexact=account.email).first()
    if user is None:
        user = user_create(
            email=account.email,
            full_name=account.full_name,
            password=DEMO_PASSWORD,
            is_operator=is_operator,
        )
    return user


def _group(
    name: str, service: str, moderator: User, teryts: list[str], domain: str = ""
) -> ExchangeGroup:
    existing = ExchangeGroup.objects.filter(name=name).first()
    if existing is not None:
        return existing
    # Its service is a catalogue domain; its cycle holds the meetings around today.
    return group_create(
        name=name,
        service=service,
        domain=Domain.objects.filter(code=domain or DOMAINS[name]).first(),
        cycle_start=cycle_first_year(timezone.localdate()),
        moderator=moderator,
        units=Unit.objects.filter(teryt__in=teryts),
    )


# One model per domain with data: what the service costs against what it delivers. 30
# units of one kind have the data, more than either model needs (9 each); a few of them
# are on the frontier each year (a model of more variables puts a third of them there).
@dataclass(frozen=True)
class DemoModel:
    code: str
    name_pl: str
    name_en: str
    domain_code: str
    inputs: list[str]
    outputs: list[str]


MODELS = [
    DemoModel(
        "oswiata-koszt",
        "Oświata: wydatki bieżące a uczniowie i przedszkolaki",
        "Education: current spending against pupils and pre-school children",
        "EDU",
        ["EDU_EXP_CUR"],
        ["EDU_PUPILS", "EDU_PRESCHOOL"],
    ),
    DemoModel(
        "odpady-koszt",
        "Odpady: koszt systemu a odebrane odpady i obsłużeni mieszkańcy",
        "Waste: cost of the system against waste collected and residents served",
        "WST",
        ["WST_COST"],
        ["WST_COLLECTED_T", "WST_DECLARED_RESIDENTS"],
    ),
]


def demo_build() -> list[AccountShown]:
    """Load the registry, its context values and the default catalogue, create the
    demo programme with its past years, and compute the results; returns the accounts
    to log in with."""
    # What the build tells people (forms submitted and approved, rounds opened, new
    # results) is delivered now, for the in-app lists, its e-mails dropped: left queued,
    # the worker `make demo` starts would e-mail hundreds of made-up messages.
    with override_settings(TASKS=RUN_AT_ONCE, EMAIL_BACKEND=DROP_MAIL):
        operator, changed = _programme_build()
        if changed or not Computation.objects.filter(state=ComputationState.DONE).exists():
            _results_compute(operator)
        with transaction.atomic():
            # Wójt of Bestwina asks to meet Jasienica, shown to her by a letter.
            notices_build(asking=("wojt@example.org", "2402052"), operator=operator)
    portal_build(operator=operator)  # its names agreed, the results published
    cycle_build(operator=operator, password=DEMO_PASSWORD)  # seats, forms, meetings
    plans_build(operator=operator)  # after the meetings, which the actions refer to
    practices_build(operator=operator)  # after the results, which measure them
    competencies_build(operator=operator)  # after the meetings: new people missed none
    _past_notifications_read()
    return accounts_shown()


# What each demo account has not read yet: the latest; the years before were read as
# they came (else the office would open the demo to some 300 unread messages).
UNREAD_KEPT = 5


def _past_notifications_read() -> None:
    now = timezone.now()
    for recipient in (
        Notification.objects.filter(read_at__isnull=True)
        .values_list("recipient", flat=True)
        .distinct()
    ):
        unread = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
        kept = list(
            unread.order_by("-created_at", "-pk").values_list("pk", flat=True)[:UNREAD_KEPT]
        )
        unread.exclude(pk__in=kept).update(read_at=now)


def accounts_shown() -> list[AccountShown]:
    """Every demo account with its unit, level and groups."""
    shown = [AccountShown(OPERATOR, "", "", [])]
    for account in MODERATORS:
        moderated = ExchangeGroup.objects.filter(moderator__email__iexact=account.email)
        shown.append(AccountShown(account, "", "", sorted(g.name for g in moderated)))
    # The people of the groups' seats besides them, where the demo gave them accounts.
    seated = [
        (DemoAccount(p.email, p.full_name, "participant"), p.teryt, p.level)
        for p in seat_people()
        if User.objects.filter(email__iexact=p.email).exists()
    ]
    for account, teryt, level in [*PARTICIPANTS, *seated]:
        unit = Unit.objects.get(teryt=teryt)
        groups = sorted(ExchangeGroup.objects.filter(units=unit).values_list("name", flat=True))
        shown.append(AccountShown(account, unit.name, str(Level(level).label), groups))
    return shown


def _models_build(operator: User) -> bool:
    """The demo's DEA models; whether any was added (the results are then due)."""
    added = False
    for model in MODELS:
        if not EfficiencyModel.objects.filter(code=model.code).exists():
            efficiency_model_save(
                user=operator,
                code=model.code,
                name_pl=model.name_pl,
                name_en=model.name_en,
                domain_code=model.domain_code,
                inputs=model.inputs,
                outputs=model.outputs,
                rts="vrs",
                orientation="input",
            )
            added = True
    return added


def _results_compute(operator: User) -> None:
    # A transaction of its own: outside one, SQLite commits (and syncs to disk) every
    # row the computation writes, slow even for the demo's few thousand; and a failed
    # run must not undo the programme, which is already stored.
    with transaction.atomic():
        # Run as its task is queued (the build runs tasks at once); one that was
        # already waiting is run here.
        computation = computation_request(user=operator, reason="demo")
        computation.refresh_from_db()
        if computation.state == ComputationState.QUEUED:
            computation = computation_run(computation.pk) or computation
    if computation.state != ComputationState.DONE:
        error = computation.error or "claimed by another worker"
        raise RuntimeError(f"The demo's results could not be computed: {error}")


@transaction.atomic
def _programme_build() -> tuple[User, bool]:
    """The operator, and whether rounds with data were added (results are due)."""
    unit_registry_load_bundled()
    operator = _account(OPERATOR, is_operator=True)
    if not Indicator.objects.exists():
        catalogue_load_default(user=operator)
        catalogue_publish(user=operator)
    context_load_bundled()  # after the catalogue, whose variables it fills
    # The questionnaires shipped for every domain (idempotent), for the office to start from.
    questionnaires_load(by=operator)
    education_moderator = _account(MODERATORS[0])
    waste_moderator = _account(MODERATORS[1])
    education = _group(
        "GWD Oświata — miasta na prawach powiatu", "Oświata", education_moderator, EDUCATION_CITIES
    )
    waste = _group(
        "GWD Gospodarka odpadami — gminy wiejskie",
        "Gospodarka odpadami",
        waste_moderator,
        WASTE_GMINAS,
    )
    # Formed for the next cycle (no seats or meetings yet): a county and two cities
    # with county rights on their county tasks (of both kinds, see ``county``).
    county = _group(
        COUNTY_GROUP,
        "Zadania powiatowe: szkoły ponadpodstawowe i drogi powiatowe",
        education_moderator,
        [COUNTY, *COUNTY_CITIES],
        domain="SEC",
    )
    health = _group(
        HEALTH_GROUP,
        "Ochrona zdrowia",
        waste_moderator,
        HEALTH_GMINAS,
        domain="HLT",
    )
    # The waste group compares its gminas by letters (and one asks to meet another).
    groups = [education, waste, county, health]
    programme_build(operator=operator, groups=groups, anonymised=waste.name)
    submitters = {}
    for account, teryt, level in PARTICIPANTS:
        user = _account(account)
        unit_membership_set(user=user, unit=Unit.objects.get(teryt=teryt), level=level)
        submitters[teryt] = user  # the last one listed for a unit submits its data
    past = history_build(
        operator=operator,
        units=demo_units(),
        submitters=submitters,
    )
    # Last year's satisfaction surveys, closed into the open rounds' survey variables.
    surveyed = surveys_build(
        operator=operator, groups={"EDU": education, "WST": waste}, year=OPEN_YEAR
    )
    models = _models_build(operator)
    return operator, bool(past) or models or bool(surveyed)
