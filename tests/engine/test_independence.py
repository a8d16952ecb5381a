"""The engine is a plain package: it must import nothing from Django."""

import ast
import subprocess
import sys
from pathlib import Path

import benchlearn.engine

ENGINE_DIR = Path(benchlearn.engine.__file__).parent


def test_engine_sources_do_not_import_django():
    offenders = []
    for source in ENGINE_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{source.name}: {name}" for name in names if name.split(".")[0] == "django"
            ]
    assert offenders == []


def test_importing_the_engine_loads_no_django_module():
    code = (
        "import sys, pkgutil, importlib, benchlearn.engine as e\n"
        "for m in pkgutil.walk_packages(e.__path__, 'benchlearn.engine.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] == 'django'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
