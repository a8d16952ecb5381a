"""access.py is the one home of who may do what and who sees which names: no module
imports its private helpers, and none but access.py reads a group's anonymity to decide
what to show."""

import ast
from pathlib import Path

import benchlearn

ROOT = Path(benchlearn.__file__).parent
ACCESS = "benchlearn.accounts.access"
# Where a group's anonymity is written (its services, admin, model, the office's edit
# form, which shows the current setting, and the demo, which sets it up and keeps it
# when it edits a group), not read to decide what is shown.
WRITERS = {
    "groups/services/groups.py",
    "groups/admin.py",
    "groups/models.py",
    "groups/views/edit.py",
    "demo/notices.py",
    "demo/cycle.py",
}


def _modules() -> list[tuple[str, ast.Module]]:
    return [
        (str(path.relative_to(ROOT)), ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(ROOT.rglob("*.py"))
        if "migrations" not in path.parts
    ]


def test_no_module_imports_the_private_helpers_of_access():
    found = [
        f"{name}: {alias.name}"
        for name, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == ACCESS
        for alias in node.names
        if alias.name.startswith("_")
    ]
    assert found == []


def test_only_access_decides_from_a_groups_anonymity():
    readers = sorted(
        name
        for name, tree in _modules()
        if name not in WRITERS
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "anonymised"
    )
    assert set(readers) == {"accounts/access.py"}
