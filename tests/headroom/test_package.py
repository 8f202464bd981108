"""The package's public surface and its freedom from service code."""

from __future__ import annotations

import ast
from pathlib import Path

import surplus.headroom as headroom

FORBIDDEN = ("fastapi", "sqlalchemy", "httpx", "requests", "socket", "urllib", "paho")


def test_public_names_exist() -> None:
    for name in headroom.__all__:
        assert hasattr(headroom, name), name


def test_no_service_or_network_imports() -> None:
    for path in Path(headroom.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"
