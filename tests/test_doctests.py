"""The worked examples in the computing packages' docstrings run and hold (STYLE.md: "a short
example that runs as a doctest")."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

PACKAGES = (
    "grid", "dispatch", "headroom", "loads", "economics", "allocation", "contracts", "control",
    "agent",
)  # fmt: skip


def _modules() -> list[str]:
    names = []
    for package in PACKAGES:
        path = [str(p) for p in importlib.import_module(f"surplus.{package}").__path__]
        names += [info.name for info in pkgutil.walk_packages(path, f"surplus.{package}.")]
    return sorted(names)


def _with_examples() -> list[str]:
    finder = doctest.DocTestFinder()
    return [
        name
        for name in _modules()
        if any(test.examples for test in finder.find(importlib.import_module(name)))
    ]


def test_some_modules_carry_examples() -> None:
    assert len(_with_examples()) >= 5


@pytest.mark.parametrize("name", _with_examples())
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
