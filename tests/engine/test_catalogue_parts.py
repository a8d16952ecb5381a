"""The shipped catalogue is a main file and parts, one per further domain: read as one
file, each part's items follow the main file's in the same lists, in the parts' name
order, and the main file's text is kept as written."""

from importlib import resources

import pytest
import yaml

from benchlearn.engine.io.catalogue_yaml import default_catalogue_text
from benchlearn.engine.io.catalogue_yaml.reader import _with_part

MAIN = """# header
format: benchlearn-catalogue
version: 2
domains:
  - code: A
# the variables
variables:
  - code: A_X
indicators:
  - code: A_I
rules: []
"""


def test_a_part_adds_its_items_at_the_end_of_each_list():
    part = "# part B\ndomains:\n  - code: B\nvariables:\n  - code: B_X\n  - code: B_Y\n"
    merged = _with_part(MAIN, part, "b.yaml")
    assert merged.startswith(MAIN.split("variables:")[0].split("  - code: A\n")[0])
    data = yaml.safe_load(merged)
    assert [d["code"] for d in data["domains"]] == ["A", "B"]
    assert [v["code"] for v in data["variables"]] == ["A_X", "B_X", "B_Y"]
    assert [i["code"] for i in data["indicators"]] == ["A_I"]
    assert "# the variables" in merged


def test_a_part_with_anything_but_lists_of_items_is_refused_by_name():
    with pytest.raises(ValueError, match=r"c\.yaml.*format"):
        _with_part(MAIN, "format: x\ndomains:\n  - code: C\n", "c.yaml")


def test_the_shipped_catalogue_is_its_main_file_and_its_parts_in_order():
    data = resources.files("benchlearn.engine").joinpath("data")
    main = yaml.safe_load(data.joinpath("default_catalogue.yaml").read_text(encoding="utf-8"))
    parts = [
        yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted(data.joinpath("catalogue_parts").iterdir(), key=lambda p: p.name)
        if p.name.endswith(".yaml")
    ]
    whole = yaml.safe_load(default_catalogue_text())
    for key in ("domains", "variables", "indicators", "sets", "rules"):
        expected = list(main[key])
        for part in parts:
            expected += part.get(key) or []
        assert whole[key] == expected, key
    assert whole["catalogue_version"] == main["catalogue_version"]
