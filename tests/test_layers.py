"""The computing packages stay pure: no web, database or network imports, and an honest
public surface (STYLE.md, "A pure core, I/O at the edges")."""

from __future__ import annotations

import ast
import importlib
import re
import sys
from pathlib import Path

import pytest

import surplus

COMPUTING = (
    "grid", "dispatch", "headroom", "loads", "economics", "sensitivity", "allocation", "contracts",
    "study",
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


@pytest.mark.parametrize(
    "package", ("control", "agent", "simulation", "dashboard", "settlement", "scenarios")
)
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


# -- the operations wing: no import cycle, and migrations frozen ---------------------------

OPERATIONS = (
    "store", "auth", "api", "openadr", "control", "agent", "dashboard", "settlement",
    "simulation", "server",
)  # fmt: skip
# What each operations package may import of the others: each layer builds only on those
# below it, `server` alone composes the routers into the app, and `simulation` (every part
# on one machine) sits on top. A package another branch adds (settlement) is checked once
# it exists.
MAY_IMPORT: dict[str, set[str]] = {
    "store": set(),
    "auth": {"store"},
    "api": {"store", "auth"},
    "openadr": {"store", "auth", "api"},
    "control": {"store", "auth", "api", "openadr"},
    "agent": {"openadr"},  # a VEN: the VTN's models, timing and MQTT topics, no server code
    "dashboard": {"store", "auth", "api", "settlement"},  # settled months, statements
    "settlement": {"store", "auth", "api", "control"},
    "server": {"store", "auth", "api", "openadr", "control", "dashboard", "settlement"},
    "simulation": {"store", "auth", "api", "openadr", "control", "agent", "server"},
}
MODULE_NAME = re.compile(r"^surplus(\.[a-z_][a-z0-9_]*)+(:[a-z_]\w*)?$")


def surplus_imports(source: str) -> list[str]:
    """Every surplus module a source file reaches: its imports at any depth, and module
    names written as strings (importlib.import_module("surplus.x"), "surplus.x:factory"),
    so an import hidden from the parser still counts."""
    names = [name for name in imported_modules(source) if name.split(".")[0] == "surplus"]
    for node in ast.walk(ast.parse(source)):
        constant = isinstance(node, ast.Constant) and isinstance(node.value, str)
        if constant and MODULE_NAME.match(node.value):
            names.append(node.value.split(":")[0])
    return names


def _package_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in OPERATIONS else None


def operations_graph() -> dict[str, set[str]]:
    """Package -> the other operations packages its modules import."""
    root = Path(surplus.__file__).parent
    graph: dict[str, set[str]] = {}
    for package in OPERATIONS:
        folder = root / package
        if not folder.is_dir():
            continue  # a package another branch adds
        uses = graph.setdefault(package, set())
        for path in folder.rglob("*.py"):
            if "migrations" in path.parts:
                continue  # checked on their own below
            for name in surplus_imports(path.read_text(encoding="utf-8")):
                other = _package_of(name)
                if other is not None and other != package:
                    uses.add(other)
    return graph


def cycle_in(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of the graph as a path (first node repeated at the end), or []."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_the_cycle_finder_finds_cycles_and_hidden_imports() -> None:
    assert cycle_in({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle_in({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []
    hidden = 'import importlib\nX = importlib.import_module("surplus.openadr.routes")\n'
    assert surplus_imports(hidden) == ["surplus.openadr.routes"]
    assert surplus_imports('F = "surplus.server.app:create_app"\n') == ["surplus.server.app"]


def test_the_operations_wing_has_no_import_cycle() -> None:
    graph = operations_graph()
    assert cycle_in(graph) == []
    present = {"store", "auth", "api", "openadr", "control", "agent", "dashboard", "simulation"}
    assert present | {"server"} <= set(graph)
    assert "openadr" not in graph["api"] and "server" not in graph["api"] | graph["openadr"]
    assert graph["store"] == set()  # the database layer needs nothing above it


def test_each_operations_package_imports_only_the_layers_below_it() -> None:
    graph = operations_graph()
    beyond = {package: sorted(uses - MAY_IMPORT[package]) for package, uses in graph.items()}
    assert {package: extra for package, extra in beyond.items() if extra} == {}
    # The rules themselves have no cycle, so following them cannot make one.
    assert cycle_in(MAY_IMPORT) == []


def routers_taken(source: str, package: str) -> list[str]:
    """The other operations packages' routers a source file takes: `router`/`api_router`
    imported from them, or a `.routes` module named in a string (importlib)."""
    taken = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = {alias.name for alias in node.names}
            if names & {"router", "api_router"} and _package_of(node.module) not in (
                None,
                package,
            ):
                taken.append(node.module)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            name = node.value.split(":")[0]
            mounted = MODULE_NAME.match(node.value) and name.endswith(".routes")
            if mounted and _package_of(name) not in (None, package):
                taken.append(name)
    return taken


def test_only_the_server_mounts_routers() -> None:
    """No package but `server` takes another package's router (the dashboard's and the
    control room's used to be mounted from inside `api`, the control room's by a module
    name in a string)."""
    old_api_app = 'X = "surplus.control.routes"\nfrom surplus.dashboard import router\n'
    assert routers_taken(old_api_app, "api") == ["surplus.dashboard", "surplus.control.routes"]
    root = Path(surplus.__file__).parent
    mounting = {
        str(path.relative_to(root)): taken
        for package in OPERATIONS
        if package != "server" and (root / package).is_dir()
        for path in (root / package).rglob("*.py")
        if (taken := routers_taken(path.read_text(encoding="utf-8"), package))
    }
    assert mounting == {}
    app_source = (root / "server" / "app.py").read_text(encoding="utf-8")
    taken = routers_taken(app_source, "server")
    for router in ("surplus.openadr.routes", "surplus.control.routes", "surplus.dashboard"):
        assert router in taken


def test_migrations_import_no_live_code() -> None:
    """A migration must give the same result whatever the code becomes later, so it uses
    only SQLAlchemy, Alembic and the standard library (copies of any rule it needs)."""
    versions = Path(surplus.__file__).parent / "store" / "migrations" / "versions"
    found = {
        path.name: bad
        for path in sorted(versions.glob("*.py"))
        if (
            bad := [
                name
                for name in imported_modules(path.read_text(encoding="utf-8"))
                if name.split(".")[0] not in ("sqlalchemy", "alembic", "__future__")
                and name.split(".")[0] not in sys.stdlib_module_names
            ]
            + surplus_imports(path.read_text(encoding="utf-8"))
        )
    }
    assert found == {}
    assert len(list(versions.glob("*.py"))) >= 4


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
