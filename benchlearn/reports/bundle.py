"""The browser's chart library: vega, vega-lite and vega-embed in one file.

The file is not in the repository (third-party code comes from package registries):
vl-convert-python, the package that draws the PDFs' charts, carries the same libraries
and writes them out as one script with ``vl_convert.javascript_bundle()``. So the
browser runs exactly the vega-lite version the PDFs are drawn with, pinned in
constraints.txt, with no npm step.

It is written into this app's ``static/reports/vendor/`` (git-ignored) and from there
served like any static file:

- in development lazily, the first time a page asks for the chart scripts
  (``{% chart_assets %}``); writing it takes a moment, once;
- in production by ``benchlearn collectstatic``, which this app overrides to write the
  file first, so it is collected, hashed and compressed with the rest.

The file name carries the library versions, so a browser never keeps an old copy after
an upgrade. Writing goes through a temporary file and a rename, so two processes that
write at once never serve half a file.
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

import vl_convert

STATIC_DIR = Path(__file__).resolve().parent / "static"
VENDOR_DIR = STATIC_DIR / "reports" / "vendor"


def bundle_name() -> str:
    """The bundle's path relative to the static root, e.g. for ``{% static %}``."""
    vega_lite = vl_convert.get_vegalite_versions()[-1]
    return (
        f"reports/vendor/vega-{vl_convert.get_vega_version()}-lite-{vega_lite}"
        f"-embed-{vl_convert.get_vega_embed_version()}.js"
    )


@functools.cache
def ensure_bundle() -> Path:
    """Write the bundle unless it is there already; return its path."""
    path = STATIC_DIR / bundle_name()
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    # The globals charts.js uses (the same as vl-convert's default snippet).
    code = vl_convert.javascript_bundle(
        "window.vegaEmbed = vegaEmbed; window.vegaLite = vegaLite; window.vega = vega;"
    )
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False
    ) as handle:
        handle.write(code)
    os.chmod(handle.name, 0o644)  # a temporary file is private; static files are not
    os.replace(handle.name, path)
    return path
