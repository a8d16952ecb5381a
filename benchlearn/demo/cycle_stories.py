"""What the demo's first cycle tells: the people in the seats besides the demo's own
accounts, the practice each host presents, what its meeting decided and who is to do
what, and the organisational forms in which each member delivers the group's service.
Plain data; ``benchlearn.demo.cycle`` puts it in through the services."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from benchlearn.delivery.services import ShareEntry
from benchlearn.units.models import Level


@dataclass(frozen=True)
class SeatPerson:
    """A person the demo puts into a seat besides the accounts of ``build.PARTICIPANTS``
    (so that every unit with demo people has all three levels)."""

    email: str
    full_name: str
    teryt: str
    level: str


SEAT_PEOPLE = [
    SeatPerson("zastepca.gliwice@example.org", "Krzysztof Wieczorek", "2466011", Level.STRATEGIC),
    SeatPerson("szkoly.gliwice@example.org", "Magdalena Jankowska", "2466011", Level.OPERATIONAL),
    SeatPerson("wiceprezydent.rybnik@example.org", "Andrzej Kaczmarek", "2473011", Level.STRATEGIC),
    SeatPerson("oswiata.rybnik@example.org", "Joanna Szymańska", "2473011", Level.MIDDLE),
    SeatPerson("referat.bestwina@example.org", "Paweł Woźniak", "2402022", Level.MIDDLE),
    SeatPerson("wojt.jasienica@example.org", "Grzegorz Kozłowski", "2402052", Level.STRATEGIC),
]
# The seat left empty on purpose, with an invitation waiting to be accepted.
INVITED = SeatPerson(
    "odpady.jasienica@example.org", "Renata Majewska", "2402052", Level.OPERATIONAL
)

# Who held a seat when the cycle began and soon left it (someone else took it over).
LEFT = SeatPerson("l.pawlak@example.org", "Leszek Pawlak", "2473011", Level.STRATEGIC)

# Group name -> catalogue domain of its service.
DOMAINS = {
    "GWD Oświata — miasta na prawach powiatu": "EDU",
    "GWD Gospodarka odpadami — gminy wiejskie": "WST",
}


@dataclass(frozen=True)
class Action:
    text: str
    owner: str  # e-mail of a person of the group
    due_days: int  # after the meeting
    done: bool = False


@dataclass(frozen=True)
class Story:
    """What happened at (or is prepared for) a meeting hosted by one unit."""

    practice_title: str
    practice_summary: str
    discussion: str
    decisions: Sequence[str] = ()
    actions: Sequence[Action] = ()


STORIES: dict[str, Story] = {
    "2461011": Story(
        "Centrum Usług Wspólnych dla szkół i przedszkoli",
        "Od 2019 r. księgowość, kadry i zamówienia 62 placówek prowadzi jedno centrum. "
        "Koszt obsługi na ucznia spadł o 14 %, a dyrektorzy zyskali czas na sprawy "
        "dydaktyczne. Prezentacja pokazała podział zadań, umowy z placówkami i mierniki.",
        "Członkowie porównali zakres zadań centrów usług wspólnych; trzy miasta mają "
        "podobne rozwiązania, ale liczą ich koszt w różnych rozdziałach budżetu.",
        ["Grupa porównuje koszt ucznia bez wydatków inwestycyjnych i bez dowozów."],
        [
            Action(
                "Przygotować wspólną definicję kosztu bieżącego ucznia",
                "naczelnik@example.org",
                45,
                True,
            ),
            Action(
                "Zebrać dane o dowozach uczniów za ostatni rok", "moderator@example.org", 60, True
            ),
        ],
    ),
    "2464011": Story(
        "Zmiana sieci przedszkoli po analizie demograficznej",
        "Miasto połączyło sześć małych przedszkoli w trzy zespoły, utrzymując liczbę "
        "miejsc. Omówiono konsultacje z rodzicami, harmonogram i skutki finansowe.",
        "Dyskusja dotyczyła wpływu niżu demograficznego na koszt miejsca w przedszkolu "
        "oraz tego, jak wyniki grupy pokazać radnym.",
        ["Następne spotkanie poświęcone wynikom egzaminu ósmoklasisty."],
        [
            Action("Uzupełnić formularz danych oświatowych", "gliwice@example.org", 30, True),
            Action("Opisać zasady naboru do przedszkoli", "rybnik@example.org", 60),
        ],
    ),
    "2466011": Story(
        "Wyrównywanie wyników egzaminów w szkołach podstawowych",
        "Program wsparcia szkół z najniższymi wynikami: diagnoza, zajęcia dodatkowe, "
        "mentoring nauczycieli matematyki. Luka wyników między szkołami zmalała w dwa lata.",
        "Grupa porównała luki wyników egzaminów z matematyki; gospodarz pokazał, jak "
        "wybiera szkoły do programu i jak mierzy jego efekty.",
        ["Każde miasto przedstawi na kolejnym spotkaniu jeden plan usprawnień."],
        [
            Action(
                "Udostępnić narzędzie diagnozy szkół członkom grupy",
                "szkoly.gliwice@example.org",
                50,
            ),
            Action(
                "Przygotować szkic planu usprawnień dla Bielska-Białej",
                "prezydent@example.org",
                100,
            ),
        ],
    ),
    "3061011": Story(
        "Dowozy uczniów: własny tabor czy usługa zewnętrzna",
        "Kalisz porównał koszt dowozów realizowanych własnym taborem i zlecanych "
        "przewoźnikowi; prezentacja w przygotowaniu.",
        "",
    ),
    "2402022": Story(
        "Mobilny punkt selektywnej zbiórki odpadów",
        "Gmina uruchomiła objazdowy PSZOK odwiedzający sołectwa raz w miesiącu. Ilość "
        "zebranych odpadów problemowych wzrosła dwukrotnie, a koszt na mieszkańca nie "
        "zmienił się. Omówiono umowę z wykonawcą i komunikację z mieszkańcami.",
        "Członkowie porównali koszt systemu na mieszkańca; różnice wynikają głównie "
        "z udziału zabudowy rozproszonej i sposobu liczenia deklaracji.",
        ["Grupa liczy koszt systemu na mieszkańca objętego deklaracją, nie zameldowanego."],
        [
            Action(
                "Zebrać od gmin liczby mieszkańców z deklaracji",
                "moderatorka@example.org",
                40,
                True,
            ),
            Action("Opisać warunki umowy na mobilny PSZOK", "odpady@example.org", 45, True),
        ],
    ),
    "1206012": Story(
        "Elektroniczne deklaracje i przypomnienia o opłatach",
        "Gmina przyjmuje deklaracje przez internet i wysyła przypomnienia SMS. "
        "Zaległości w opłatach zmalały o jedną trzecią.",
        "Dyskusja o ściągalności opłat i o tym, jak ją porównywać między gminami.",
        ["Wskaźnik ściągalności opłat zostaje dodany do porównań grupy."],
        [
            Action(
                "Sprawdzić dane o zaległościach za dwa ostatnie lata",
                "jasienica@example.org",
                30,
                True,
            ),
            Action(
                "Przedstawić koszt systemu SMS na mieszkańca", "referat.bestwina@example.org", 60
            ),
        ],
    ),
    "2402052": Story(
        "Wejście do związku międzygminnego",
        "Jasienica przekazała gospodarkę odpadami związkowi międzygminnemu. Gospodarz "
        "omówił przygotowanie, przetarg prowadzony przez związek i pierwsze wyniki.",
        "Grupa porównała formy organizacyjne: związek, spółka komunalna i operator "
        "wyłoniony w przetargu; dane pokazują różnice kosztu, ale małe próby.",
        ["Formy organizacyjne będą porównywane co roku na wiosennym spotkaniu."],
        [
            Action("Udostępnić statut i regulamin związku", "wojt.jasienica@example.org", 40),
            Action(
                "Przygotować plan usprawnień odbioru odpadów w Bestwinie", "wojt@example.org", 110
            ),
        ],
    ),
    "2410022": Story(
        "Edukacja ekologiczna w szkołach i sołectwach",
        "Kobiór przygotowuje prezentację o kampanii edukacyjnej prowadzonej ze szkołami.",
        "",
    ),
}

# Organisational forms: TERYT -> (form, share %, note); a unit that changed its form
# has those of the years before the change under CHANGED.
FORMS: dict[str, list[tuple[str, str, str]]] = {
    "2461011": [
        ("budget_unit", "92.5", "szkoły i przedszkola obsługiwane przez CUW"),
        ("other", "7.5", "przedszkola niepubliczne z dotacją"),
    ],
    "2466011": [("budget_unit", "88", ""), ("other", "12", "szkoły niepubliczne z dotacją")],
    "2473011": [("budget_unit", "100", "")],
    "2477011": [("budget_unit", "80", ""), ("establishment", "20", "stołówki szkolne")],
    "2464011": [("establishment", "55", "zespoły przedszkoli"), ("budget_unit", "45", "")],
    "3061011": [("establishment", "60", ""), ("budget_unit", "40", "")],
    "1661011": [
        ("budget_unit", "70", ""),
        ("private", "30", "szkoły prowadzone przez stowarzyszenia na podstawie umowy"),
    ],
    "1263011": [("private", "55", "szkoły przekazane stowarzyszeniom"), ("budget_unit", "45", "")],
    "2402022": [("private", "100", "odbiór i transport: firma wyłoniona w przetargu")],
    "2402052": [("union", "100", "związek międzygminny od 2023 r.")],
    "2402102": [("private", "80", ""), ("department", "20", "PSZOK prowadzony przez urząd")],
    "2402072": [("company", "100", "spółka komunalna gminy")],
    "2402082": [("private", "100", "")],
    "2410022": [("union", "100", "")],
    "1218102": [("union", "70", ""), ("private", "30", "odbiór odpadów wielkogabarytowych")],
    "1206012": [("company", "60", ""), ("private", "40", "")],
}
CHANGED: dict[str, tuple[int, list[tuple[str, str, str]]]] = {
    "2402052": (2023, [("department", "100", "referat gospodarki komunalnej")]),
}


def forms_of(teryt: str, year: int) -> list[ShareEntry]:
    rows = FORMS[teryt]
    if teryt in CHANGED and year < CHANGED[teryt][0]:
        rows = CHANGED[teryt][1]
    return [ShareEntry(form, Decimal(share), note) for form, share, note in rows]


# --- the board -------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardThread:
    """A thread of a group's board: its author (e-mail), title and first post, the
    replies (author, text), and the meeting it followed (0: started a few days ago)."""

    author: str
    title: str
    body: str
    replies: Sequence[tuple[str, str]] = ()
    after: int = 0
    announcement: bool = False


# Domain of the group -> its threads.
BOARD: dict[str, list[BoardThread]] = {
    "EDU": [
        BoardThread(
            "moderator@example.org",
            "Przed spotkaniem nr 4: dane za ostatni rok i potwierdzenie obecności",
            "Dzień dobry, zapraszam na kolejne spotkanie grupy (szczegóły na stronie "
            "spotkania). Proszę o uzupełnienie formularzy danych oświatowych przed "
            "spotkaniem: na nim omówimy wyniki grupy. Obecność proszę potwierdzić "
            "odpowiedzią w tym wątku.",
            [("gliwice@example.org", "Gliwice potwierdzają: będziemy w trzy osoby.")],
            after=0,
            announcement=True,
        ),
        BoardThread(
            "naczelnik@example.org",
            "Koszt dowozów uczniów: jak go liczycie?",
            "Po ostatnim spotkaniu mamy wątpliwość: czy koszt dowozów uczniów "
            "niepełnosprawnych wliczacie do kosztu bieżącego ucznia? U nas to osobny "
            "rozdział budżetu.",
            [
                ("rybnik@example.org", "W Rybniku liczymy je osobno i nie wliczamy."),
                (
                    "moderator@example.org",
                    "Zgodnie z ustaleniem ze spotkania nr 1 dowozów nie wliczamy. "
                    "@Anna Nowak, dziękuję za przygotowanie definicji.",
                ),
            ],
            after=1,
        ),
        BoardThread(
            "szkoly.gliwice@example.org",
            "Narzędzie diagnozy szkół: materiały po spotkaniu w Gliwicach",
            "Zgodnie z ustaleniem ze spotkania opisujemy, jak działa nasze narzędzie "
            "diagnozy szkół; pełny opis prześlemy do końca miesiąca.",
            [("prezydent@example.org", "Dziękujemy, chętnie skorzystamy w Bielsku-Białej.")],
            after=3,
        ),
    ],
    "WST": [
        BoardThread(
            "moderatorka@example.org",
            "Formy organizacyjne: prośba o sprawdzenie danych",
            "Na spotkaniu w Jasienicy ustaliliśmy, że co roku porównujemy formy "
            "organizacyjne. Proszę sprawdzić, czy formy i udziały zapisane dla Państwa "
            "gminy są aktualne (strona jednostki, zakładka formy organizacyjne).",
            after=3,
            announcement=True,
        ),
        BoardThread(
            "odpady@example.org",
            "Przetarg na odbiór odpadów: doświadczenia?",
            "Przygotowujemy nowy przetarg na odbiór odpadów. Czy ktoś z Państwa stosował "
            "kryterium pozacenowe dotyczące emisji pojazdów?",
            [
                (
                    "jasienica@example.org",
                    "Związek stosował je w ostatnim przetargu; mogę przesłać zapisy SIWZ.",
                ),
                ("odpady@example.org", "Bardzo proszę, dziękuję!"),
            ],
            after=2,
        ),
        BoardThread(
            "wojt@example.org",
            "Mobilny PSZOK: pytania po spotkaniu",
            "Kilka gmin pytało o harmonogram objazdów mobilnego PSZOK. Publikujemy go na "
            "stronie gminy; chętnie odpowiem na pytania tutaj.",
            [
                (
                    "referat.bestwina@example.org",
                    "Dodam, że umowa obejmuje też odbiór zużytych opon.",
                )
            ],
            after=1,
        ),
    ],
}
