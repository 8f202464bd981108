"""Settings in (`KEY=VALUE` from the command line, or a scenario TOML file), checked against
a dataset before anything is computed, and applied as one pure function dataset → dataset."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from surplus.errors import InputError, Problem
from surplus.grid.model import Dataset
from surplus.sensitivity.keys import KEYS, Key
from surplus.sensitivity.values import Value

SHOWN_NAMES = 20
"""How many allowed names an error message lists before it says how many more there are."""


@dataclass(frozen=True)
class Setting:
    """One `KEY=VALUE` as the user wrote it, and where (`--set` or a scenario file)."""

    key: str
    value: str
    source: str = "--set"

    @property
    def text(self) -> str:
        return f"{self.key}={self.value}"


@dataclass(frozen=True)
class Change:
    """A setting checked against a dataset: its key entry, the names it reaches, its value."""

    setting: Setting
    key: Key
    targets: tuple[str, ...]
    value: Value


@dataclass(frozen=True)
class AppliedChange:
    """What the report and summary.json say about one change from the base."""

    key: str
    value: str
    source: str
    change: str
    """One sentence with the figures before and after."""


def parse_setting(text: str, source: str = "--set") -> Setting:
    """`KEY=VALUE` → a `Setting` (the value is read later, against its key)."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise InputError(Problem(source, None, None, "KEY=VALUE, e.g. demand=+15%", repr(text)))
    return Setting(key.strip(), value.strip(), source)


def read_scenario(path: Path) -> tuple[Setting, ...]:
    """A scenario file: an optional `description` and a `[set]` table of KEY = VALUE.

    ```toml
    description = "A dry year with the southern ring at 70 %"
    [set]
    "corridor.southern_ring" = "70%"
    hydro = "80%"
    "plant.k2" = "out"
    ```
    """
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        problem = Problem(str(path), None, None, "a readable TOML file", str(error))
        raise InputError(problem) from None
    problems = [
        Problem(str(path), None, name, "only `description` and a [set] table", "this entry")
        for name in document
        if name not in ("description", "set")
    ]
    table = document.get("set", {})
    if not isinstance(table, dict) or not table:
        problems.append(Problem(str(path), None, "set", "a [set] table of KEY = VALUE", "none"))
        raise InputError(problems)
    settings = []
    for key, value in table.items():
        if isinstance(value, bool):
            text = "on" if value else "off"
        elif isinstance(value, int | float | str):
            text = str(value)
        else:
            problems.append(Problem(str(path), None, key, "a string or number", repr(value)))
            continue
        settings.append(Setting(key, text, str(path)))
    if problems:
        raise InputError(problems)
    return tuple(settings)


def _names_text(names: Sequence[str]) -> str:
    shown = ", ".join(names[:SHOWN_NAMES])
    more = f" … ({len(names)} in all)" if len(names) > SHOWN_NAMES else ""
    return f"{shown}{more}, or * for all"


def _unknown(dataset: Dataset, noun: str, name: str) -> str:
    """How an unknown name is reported: a plant that exists but does not operate says so."""
    if noun == "plant" and name in dataset.plants.index:
        return f"{name!r}, a plant with status {dataset.plants.at[name, 'status']}"
    return repr(name)


def _resolve_one(dataset: Dataset, setting: Setting) -> Change:
    where = f"{setting.source} {setting.text}"
    matches = [(key, name) for key in KEYS if (name := key.match(setting.key)) is not None]
    if not matches:
        keys = ", ".join(key.pattern for key in KEYS)
        raise InputError(Problem(where, None, None, f"a key: {keys}", repr(setting.key)))
    key, name = matches[0]
    targets: tuple[str, ...] = ()
    if key.names is not None:
        allowed = sorted(key.names(dataset))
        if name == "*":
            targets = tuple(allowed)
        elif name in allowed:
            targets = (name,)
        else:
            expected = f"a {key.noun} of {dataset.info.name}: {_names_text(allowed)}"
            found = _unknown(dataset, key.noun, name)
            raise InputError(Problem(where, None, None, expected, found))
    if key.check is not None:
        try:
            key.check(dataset)
        except InputError as error:
            problem = error.problems[0]
            raise InputError(Problem(where, None, None, problem.expected, problem.found)) from None
    value = key.read(setting.value)
    if value is None:
        raise InputError(Problem(where, None, None, key.accepts, repr(setting.value)))
    misfit = key.fits(dataset, targets, value) if key.fits is not None else None
    if misfit is not None:
        raise InputError(Problem(where, None, None, misfit, repr(setting.value)))
    return Change(setting, key, targets, value)


def resolve_settings(dataset: Dataset, settings: Iterable[Setting]) -> tuple[Change, ...]:
    """Check every setting against `dataset`; raise one `InputError` listing every bad one
    (one line each). A later setting of the same key and names replaces an earlier one, so
    `--set` overrides a scenario file."""
    changes: dict[tuple[str, tuple[str, ...]], Change] = {}
    problems: list[Problem] = []
    for setting in settings:
        try:
            change = _resolve_one(dataset, setting)
        except InputError as error:
            problems += error.problems
            continue
        identity = (change.key.pattern, change.targets)
        changes.pop(identity, None)
        changes[identity] = change
    if problems:
        raise InputError(problems)
    return tuple(changes.values())


def apply_changes(
    dataset: Dataset, changes: Sequence[Change]
) -> tuple[Dataset, tuple[AppliedChange, ...]]:
    """The dataset with every change made, in order, and one sentence per change. Pure: the
    input dataset is not modified."""
    applied = []
    for change in changes:
        dataset, sentence = change.key.apply(dataset, change.targets, change.value)
        setting = change.setting
        applied.append(AppliedChange(setting.key, setting.value, setting.source, sentence))
    return dataset, tuple(applied)
