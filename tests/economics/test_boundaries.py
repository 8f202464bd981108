"""The computing packages stay pure: no web, database or network imports, and an honest
public surface."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import surplus

FORBIDDEN = {"fastapi", "sqlalchemy", "httpx", "requests", "socket", "urllib", "paho"}
PACKAGES = ["loads", "economics"]


@pytest.mark.parametrize("package", PACKAGES)
def test_no_forbidden_imports(package: str) -> None:
    root = Path(surplus.__file__).parent / package
    for path in root.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"


@pytest.mark.parametrize("package", PACKAGES)
def test_public_names_exist_once(package: str) -> None:
    module = importlib.import_module(f"surplus.{package}")
    names = list(module.__all__)
    assert len(names) == len(set(names))
    for name in names:
        assert hasattr(module, name), name
    assert module.__doc__ and module.__doc__.strip()
