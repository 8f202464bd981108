"""The computing packages stay pure: no web, database or network imports, and an honest
public surface (STYLE.md, "A pure core, I/O at the edges")."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import surplus

COMPUTING = (
    "grid", "dispatch", "headroom", "loads", "economics", "sensitivity", "allocation", "contracts",
)  # fmt: skip
# The controller's pure core: decided, planned and judged without the network or a database.
PURE_CONTROL = (
    "control/decision.py", "control/fleet.py", "control/grid.py", "control/frequency.py",
    "control/compliance.py", "control/orders.py", "control/telemetry.py", "agent/events.py",
)  # fmt: skip
# Settlement's pure core: meter checks, baselines, verdicts, prices, statements, money.
PURE_SETTLEMENT = (
    "settlement/meter.py", "settlement/baselines.py", "settlement/verdicts.py",
    "settlement/pricing.py", "settlement/statements.py", "settlement/money.py",
)  # fmt: skip
FORBIDDEN = frozenset(
    {"fastapi", "starlette", "sqlalchemy", "alembic", "httpx", "requests", "socket", "urllib",
     "paho", "uvicorn"}
)  # fmt: skip


def imported_modules(source: str) -> list[str]:
    """Absolute module names a source file imports, at any depth (functions included)."""
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def forbidden_imports(source: str) -> list[str]:
    return [name for name in imported_modules(source) if name.split(".")[0] in FORBIDDEN]


def test_the_walker_sees_top_level_nested_and_from_imports() -> None:
    source = (
        "import os\nimport httpx.client\nfrom fastapi import FastAPI\n"
        "def f():\n    from sqlalchemy.orm import Session\n    import numpy\n"
        "from . import sibling\nfrom surplus.grid import load_dataset\n"
    )
    assert forbidden_imports(source) == ["httpx.client", "fastapi", "sqlalchemy.orm"]


def _modules(package: str) -> list[Path]:
    paths = sorted((Path(surplus.__file__).parent / package).rglob("*.py"))
    assert paths, f"no modules found for surplus.{package}"
    return paths


@pytest.mark.parametrize("package", COMPUTING)
def test_computing_package_imports_no_service_code(package: str) -> None:
    found = {
        str(path.relative_to(Path(surplus.__file__).parent)): bad
        for path in _modules(package)
        if (bad := forbidden_imports(path.read_text(encoding="utf-8")))
    }
    assert found == {}


@pytest.mark.parametrize("package", COMPUTING)
def test_public_names_are_listed_once_and_exist(package: str) -> None:
    module = importlib.import_module(f"surplus.{package}")
    names = list(module.__all__)
    assert names and len(names) == len(set(names))
    missing = [name for name in names if not hasattr(module, name)]
    assert missing == []
    assert module.__doc__ and module.__doc__.strip()


@pytest.mark.parametrize("module", PURE_CONTROL)
def test_the_controllers_pure_core_imports_no_service_code(module: str) -> None:
    path = Path(surplus.__file__).parent / module
    assert forbidden_imports(path.read_text(encoding="utf-8")) == []
    # and reaches no further than other pure modules, numpy and the contracts
    inside = [
        n for n in imported_modules(path.read_text(encoding="utf-8")) if n.startswith("surplus.")
    ]
    allowed = {"surplus.contracts", "surplus.errors", "surplus.openadr.timing"} | {
        "surplus." + m[:-3].replace("/", ".") for m in PURE_CONTROL
    }
    assert [n for n in inside if n not in allowed] == []


@pytest.mark.parametrize("module", PURE_SETTLEMENT)
def test_settlements_pure_core_imports_no_service_code(module: str) -> None:
    """Settlement's arithmetic reads the planning wing (contracts, economics, loads) and its
    own pure modules, never the store, the API or the network."""
    source = (Path(surplus.__file__).parent / module).read_text(encoding="utf-8")
    assert forbidden_imports(source) == []
    allowed = ("surplus.contracts", "surplus.errors", "surplus.economics", "surplus.loads")
    own = {"surplus." + m[:-3].replace("/", ".") for m in PURE_SETTLEMENT}
    inside = [n for n in imported_modules(source) if n.startswith("surplus.")]
    assert [n for n in inside if n not in own and not n.startswith(allowed)] == []


@pytest.mark.parametrize("package", ("control", "agent", "simulation", "dashboard", "settlement"))
def test_operations_packages_list_their_public_names(package: str) -> None:
    module = importlib.import_module(f"surplus.{package}")
    names = list(module.__all__)
    assert names and len(names) == len(set(names))
    assert [name for name in names if not hasattr(module, name)] == []
    assert module.__doc__ and module.__doc__.strip()


# The dashboard's values, formats and map: plain data, no web framework or database, so the
# same figures can be rendered, exported or tested without a server.
PURE_DASHBOARD = ("dashboard/model.py", "dashboard/i18n.py", "dashboard/map.py",
                  "dashboard/exports.py", "dashboard/zones.py")  # fmt: skip


@pytest.mark.parametrize("module", PURE_DASHBOARD)
def test_the_dashboard_s_values_import_no_service_code(module: str) -> None:
    path = Path(surplus.__file__).parent / module
    assert forbidden_imports(path.read_text(encoding="utf-8")) == []


# The planning wing in a line, with no back-references: the stages that assemble the pipeline
# (study, then scenarios) and the report that presents it are read by no planning package;
# the study never reads the scenarios or the report, and the scenarios never read the report.
# A package's `cli.py` is its shell at the edge (parse, call the study, print), so it may.
PLANNING_LINE = ("grid", "sensitivity", "dispatch", "headroom", "loads", "economics", "allocation")
ASSEMBLERS = ("study", "scenarios", "report")
ABOVE_STUDY = {"study": ("scenarios", "report"), "scenarios": ("report",)}
LIBRARY_MODULES = {"study": ("inputs.py", "run.py", "result.py", "shedding.py")}


def _surplus_imports(package: str) -> dict[str, list[str]]:
    """Per module of `package`: the surplus packages it imports (at any depth)."""
    return {
        str(path.relative_to(Path(surplus.__file__).parent)): sorted(
            {
                name.split(".")[1]
                for name in imported_modules(path.read_text(encoding="utf-8"))
                if name.startswith("surplus.") and name.count(".") >= 1
            }
        )
        for path in _modules(package)
        if path.name != "cli.py"
    }


@pytest.mark.parametrize("package", PLANNING_LINE)
def test_planning_packages_never_import_the_stages_that_assemble_them(package: str) -> None:
    found = {
        module: bad
        for module, names in _surplus_imports(package).items()
        if (bad := [n for n in names if n in ASSEMBLERS])
    }
    assert found == {}


@pytest.mark.parametrize("package", sorted(ABOVE_STUDY))
def test_the_study_and_scenarios_never_reach_back_up(package: str) -> None:
    found = {
        module: bad
        for module, names in _surplus_imports(package).items()
        if (bad := [n for n in names if n in ABOVE_STUDY[package]])
    }
    assert found == {}
    assert forbidden_imports_in(package) == {}
    present = {p.name for p in _modules(package)}
    assert set(LIBRARY_MODULES.get(package, ())) <= present


def forbidden_imports_in(package: str) -> dict[str, list[str]]:
    return {
        str(path.relative_to(Path(surplus.__file__).parent)): bad
        for path in _modules(package)
        if (bad := forbidden_imports(path.read_text(encoding="utf-8")))
    }


def test_the_layer_walker_sees_a_back_reference() -> None:
    source = "def f():\n    from surplus.study import run_study\n"
    assert [n.split(".")[1] for n in imported_modules(source)] == ["study"]
