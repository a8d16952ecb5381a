"""Mentions found in plain text, and attachments checked by name and content, without
the pages."""

import io
import zipfile

import pytest

from benchlearn.accounts.models import User
from benchlearn.board.files import attachment_refusal
from benchlearn.board.mentions import mentioned_in
from benchlearn.board.templatetags.board_text import board_text
from tests.board.conftest import PDF, PNG, ooxml

ANNA = User(pk=1, email="anna@example.org", full_name="Anna Kowalska")
OLA = User(pk=2, email="ola@example.org", full_name="")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("@Anna Kowalska, zobacz", {1}),
        ("@anna kowalska.", {1}),
        ("cc @anna@example.org i @ola@example.org", {1, 2}),
        ("@Anna Kowalskaja", set()),
        ("anna@example.org bez małpy", set()),
        ("kasia@Anna Kowalska", set()),
        ("@ola@example.org.pl", set()),
        ("nikogo", set()),
    ],
)
def test_mentions(text, found):
    assert mentioned_in(text, [ANNA, OLA]) == found


@pytest.mark.parametrize(
    ("name", "data", "refused"),
    [
        ("a.pdf", PDF, False),
        ("A.PNG", PNG, False),
        ("a.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 8, False),
        ("a.docx", ooxml("word/document.xml"), False),
        ("a.xlsx", ooxml("xl/workbook.xml"), False),
        ("a.pptx", ooxml("ppt/presentation.xml"), False),
        ("a.html", b"<html>", True),
        ("a.pdf", b"", True),
        ("a.docx", b"PK\x03\x04 not really a zip", True),
        ("a.xlsx", ooxml("xl/workbook.xml", "xl/vbaProject.bin"), True),
    ],
)
def test_attachment_checks(name, data, refused, settings):
    settings.BOARD_ATTACHMENT_MAX_BYTES = 10_000
    assert (attachment_refusal(name, len(data), io.BytesIO(data)) is not None) is refused


def test_an_opendocument_file_is_known_by_its_mimetype_part():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        package.writestr("content.xml", "<x/>")
    data = buffer.getvalue()
    assert attachment_refusal("a.ods", len(data), io.BytesIO(data)) is None
    assert attachment_refusal("a.odt", len(data), io.BytesIO(data)) is not None


def test_board_text_escapes_and_links():
    html = board_text('<i>x</i> & "y"\n\nhttp://example.org')
    assert html == (
        "<p>&lt;i&gt;x&lt;/i&gt; &amp; &quot;y&quot;</p>\n\n"
        '<p><a href="http://example.org" rel="nofollow">http://example.org</a></p>'
    )
