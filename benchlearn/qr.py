"""QR codes for links printed or shown to residents (a survey's open link, a letter's
single-use code), as SVG for pages and PDFs and as PNG to download.

segno makes them: pure Python, no dependencies, maintained, and it writes SVG and PNG
itself (no Pillow at run time). Error correction M (15 % of the symbol may be lost) is
what a letter folded into an envelope or a poster on a notice board needs; segno raises
it further when that costs no extra size (``boost_error``)."""

from __future__ import annotations

import io

import segno

# Modules (the code's squares) of white around the symbol: the standard asks for 4.
QUIET_ZONE = 4


# The mask a batch of letters uses (``quick``): choosing the best of the eight masks is
# three quarters of segno's time (about 30 ms a code against 9), and any mask reads well
# at the size a letter prints it; a batch of 5,000 letters is then under a minute.
QUICK_MASK = 2


def _symbol(url: str, *, quick: bool = False) -> segno.QRCode:
    if not url:
        raise ValueError("a QR code needs a link")
    # micro=False: a Micro QR code is read by few phone cameras.
    if quick:
        return segno.make(url, error="m", micro=False, mask=QUICK_MASK)
    return segno.make(url, error="m", micro=False, boost_error=True)


def qr_svg(url: str, *, scale: int = 4, title: str = "", quick: bool = False) -> str:
    """The code for ``url`` as a standalone SVG document (black on white, no XML
    declaration, so that it may also be put in a page as it is); ``title`` is its text
    alternative; ``quick``: a fixed mask, for many codes at once (letters)."""
    out = io.BytesIO()
    _symbol(url, quick=quick).save(
        out,
        kind="svg",
        scale=scale,
        border=QUIET_ZONE,
        xmldecl=False,
        svgns=True,
        title=title or url,
        light="#fff",
        dark="#000",
        nl=False,
    )
    return out.getvalue().decode()


def qr_png(url: str, *, scale: int = 10) -> bytes:
    """The code for ``url`` as a PNG image (``scale`` pixels a module: 10 prints
    sharply at about 4 cm)."""
    out = io.BytesIO()
    _symbol(url).save(out, kind="png", scale=scale, border=QUIET_ZONE, light="#fff", dark="#000")
    return out.getvalue()
