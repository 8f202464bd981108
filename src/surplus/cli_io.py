"""One policy for what a planning command reads and writes, checked before any computation.

Every planning command (assess, headroom, sites, economics, allocate, data export-pypsa)
calls these checks on its options first, so a mistyped option costs the user a one-line
error and exit code 1, never a dispatch followed by a traceback. Outputs follow one rule:
missing folders are created, an existing file is never overwritten without `--force`, and
the error names the file.
"""

from __future__ import annotations

import os
import zoneinfo
from collections.abc import Iterable, Sequence
from pathlib import Path

from surplus.errors import InputError, Problem


def _problem(option: str, expected: str, found: object) -> InputError:
    return InputError(Problem(option, None, None, expected, str(found)))


def _writable_parent(path: Path, option: str) -> None:
    """The nearest existing ancestor of `path` must be a folder we may write into (so the
    missing folders can be created when the command writes)."""
    ancestor = path.parent if path.parent != Path("") else Path(".")
    while not ancestor.exists():
        if ancestor.parent == ancestor:
            break
        ancestor = ancestor.parent
    if ancestor.exists() and not ancestor.is_dir():
        raise _problem(option, f"a path inside a folder ({ancestor} is a file)", path)
    if ancestor.exists() and not os.access(ancestor, os.W_OK):
        raise _problem(option, f"a folder you may write into ({ancestor} is read-only)", path)


def output_folder(path: Path, files: Iterable[str], *, force: bool, option: str = "--out") -> Path:
    """A folder the command will write `files` into: created when missing (at write time);
    refused when it is a file, or when one of `files` is already there and `force` is off.

    Checked before any computation; the folder itself is created by `prepare_folder`.
    """
    if path.exists() and not path.is_dir():
        raise _problem(option, "a folder (it is an existing file)", path)
    _writable_parent(path / "x", option)
    if not force:
        existing = [path / name for name in files if (path / name).exists()]
        if existing:
            raise _problem(
                option,
                "a folder without earlier results (pass --force to overwrite)",
                f"{existing[0]} exists"
                + (f" (and {len(existing) - 1} more)" if existing[1:] else ""),
            )
    return path


def output_file(
    path: Path, *, force: bool, option: str = "--out", suffixes: Sequence[str] = ()
) -> Path:
    """A file the command will write: its folders created at write time; refused when it is a
    folder, has another suffix than `suffixes`, or exists and `force` is off."""
    if path.is_dir():
        raise _problem(option, "a file name (it is an existing folder)", path)
    if suffixes and path.suffix.lower() not in suffixes:
        raise _problem(option, f"a file ending in {' or '.join(suffixes)}", path)
    if path.exists() and not force:
        raise _problem(option, "a new file (pass --force to overwrite)", f"{path} exists")
    _writable_parent(path, option)
    return path


def prepare_folder(path: Path) -> Path:
    """Create the output folder (and its parents) once the results are ready."""
    path.mkdir(parents=True, exist_ok=True)
    return path


def prepare_file(path: Path) -> Path:
    """Create the folders above an output file once the results are ready."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def parse_share(text: str | float, option: str, *, allow_one: bool = False) -> float:
    """A share written as a fraction (0.005) or a percentage (0.5%), as a fraction.

    >>> parse_share("0.5%", "--budget"), parse_share("0.005", "--budget"), parse_share(0, "-")
    (0.005, 0.005, 0.0)
    """
    raw = str(text).strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise _problem(option, "a fraction (0.005) or a percentage (0.5%)", raw) from None
    upper_ok = value <= 1 if allow_one else value < 1
    if not (value >= 0 and upper_ok):
        limit = "100%" if allow_one else "under 100%"
        raise _problem(option, f"a share from 0 to {limit}, e.g. 0.005 or 0.5%", raw)
    return value


def check_timezone(name: str, option: str = "--timezone") -> str:
    """An IANA time zone name, e.g. Asia/Karachi."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise _problem(option, "an IANA time zone, e.g. Asia/Karachi or UTC", name) from None
    return name


def check_names(
    given: Iterable[str], known: Iterable[str], option: str, what: str = "name"
) -> None:
    """Every name in `given` must be one of `known`; one line lists all the unknown ones."""
    known_set = set(known)
    unknown = [name for name in given if name not in known_set]
    if unknown:
        choices = sorted(known_set)
        shown = ", ".join(choices[:25]) + (" …" if len(choices) > 25 else "")
        raise _problem(option, f"a known {what} ({shown})", ", ".join(unknown))


def check_range(
    value: float,
    option: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """`value` within [low, high] (an open end excludes the bound); NaN never passes."""
    ok = value == value
    if ok and low is not None:
        ok = value > low if low_open else value >= low
    if ok and high is not None:
        ok = value < high if high_open else value <= high
    if not ok:
        parts = []
        if low is not None:
            parts.append(f"{'above' if low_open else 'at least'} {low:g}")
        if high is not None:
            parts.append(f"{'below' if high_open else 'at most'} {high:g}")
        raise _problem(option, "a number " + " and ".join(parts), f"{value:g}")
    return value


def check_readable(path: Path | None, option: str, *, folder: bool = False) -> None:
    """An input that must exist (a file, or a folder when `folder`)."""
    if path is None:
        return
    if not path.exists():
        raise _problem(option, f"an existing {'folder' if folder else 'file'}", path)
    if folder and not path.is_dir():
        raise _problem(option, "a folder", f"{path} (a file)")
    if not folder and path.is_dir():
        raise _problem(option, "a file", f"{path} (a folder)")
