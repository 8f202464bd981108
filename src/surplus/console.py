"""What every command shares: consoles, clean failure, and progress bars."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from surplus.errors import InputError, SurplusError
from surplus.labels import humanise

TABLE_WIDTH = 100
"""Tables fit this many columns in logs and pipes (and in terminals at least as wide)."""

console = Console()
if not console.is_terminal:
    console = Console(width=TABLE_WIDTH)
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def fails_cleanly(command: F) -> F:
    """Turn expected errors into a message and exit code 1, never a traceback.

    Set SURPLUS_DEBUG=1 to see the traceback of an unexpected error.
    """

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InputError as error:
            count = len(error.problems)
            if count == 1:
                err_console.print("[bold red]error:[/] ", end="", soft_wrap=True)
                err_console.print(
                    str(error.problems[0]), markup=False, highlight=False, soft_wrap=True
                )
                raise typer.Exit(1) from None
            err_console.print(f"[bold red]{count} problems found:[/]")
            for problem in error.problems:
                err_console.print(f"  • {problem}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None
        except SurplusError as error:
            err_console.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except OSError as error:
            # A file the user named cannot be read or written (permissions, disk full, ...).
            where = f" {error.filename}" if error.filename else ""
            err_console.print(
                f"[bold red]error:[/]{where}: {error.strerror or error}",
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(1) from None
        except Exception as error:
            if os.environ.get("SURPLUS_DEBUG"):
                raise
            err_console.print(
                f"[bold red]internal error:[/] {type(error).__name__}: {error}\n"
                "This is a bug in surplus; run again with SURPLUS_DEBUG=1 for the traceback.",
                highlight=False,
            )
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


@contextmanager
def progress_bar(description: str) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar, handed out as a `progress(done, total)` callback."""
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
    ) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


@contextmanager
def stage_bars() -> Iterator[Callable[[str, int, int], None]]:
    """Rich progress bars, one per stage, each opened when its stage first reports; handed
    out as a `progress(stage, done, total)` callback (total 0: not known yet)."""
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
    ) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=None)
            bar.update(tasks[stage], completed=done, total=total or None)

        yield update


def _cell(value: Any, digits: int) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.{digits}f}" if value == value else ""
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def frame_table(frame: Any, title: str = "", digits: int = 0) -> Any:
    """A pandas frame as a rich table: numbers right-aligned with thousands separators, never
    cut (a column is as wide as its widest number; headers and text wrap instead)."""
    from rich.table import Table

    table = Table(title=title, title_justify="left", header_style="bold")
    cells = [[_cell(value, digits) for value in row] for _, row in frame.iterrows()]
    labels = [str(label) for label in frame.index]
    widths = _column_widths(frame, digits)
    table.add_column(humanise(frame.index.name or ""), width=widths[0], overflow="fold")
    for j, column in enumerate(frame.columns):
        values = [row[j] for row in cells]
        numeric = frame[column].dtype.kind in "iufb" or _looks_numeric(values)
        table.add_column(
            humanise(column), justify="right" if numeric else "left", width=widths[j + 1],
            overflow="fold",
        )  # fmt: skip
    for label, row in zip(labels, cells, strict=True):
        table.add_row(label, *row)
    return table


def _widest(values: list[str]) -> int:
    return max((len(v) for v in values), default=1)


def _looks_numeric(values: list[str]) -> bool:
    def numeric(text: str) -> bool:
        return text.replace(",", "").replace(".", "").lstrip("-+").isdigit() or text in ("", "—")

    return all(numeric(v) for v in values)


def _column_widths(frame: Any, digits: int) -> list[int]:
    """Content width of the label column and of each column: the widest number whole, text
    and headers wrapped at spaces (long words folded), text at most 28 wide."""
    labels = [str(label) for label in frame.index] + [humanise(frame.index.name or "")]
    widths = [min(_widest(labels), 28)]
    for column in frame.columns:
        values = [_cell(v, digits) for v in frame[column]]
        words = [w for v in [*values, humanise(column)] for w in v.split()] or [""]
        longest_word = min(_widest(words), 28)
        header = min(len(humanise(column)), 16)
        if _looks_numeric(values):
            widths.append(max(_widest(values), min(longest_word, 14)))
        else:
            widths.append(max(longest_word, header, min(_widest(values), 28)))
    return widths


def _min_width(frame: Any, digits: int) -> int:
    widths = _column_widths(frame, digits)
    return sum(widths) + 3 * len(widths) + 1


def print_frame(
    frame: Any, title: str = "", digits: int = 0, target: Console | None = None
) -> None:
    """Print a frame as a table that fits the console: when its columns cannot fit even
    wrapped, they are split over several tables, each repeating the row labels."""
    out = target or console
    width = min(out.width, TABLE_WIDTH) if out.is_terminal else out.width
    if len(frame.columns) <= 1 or _min_width(frame, digits) <= width:
        out.print(frame_table(frame, title, digits), width=width)
        return
    groups: list[list[Any]] = [[]]
    for column in frame.columns:
        trial = groups[-1] + [column]
        if groups[-1] and _min_width(frame[trial], digits) > width:
            groups.append([column])
        else:
            groups[-1] = trial
    for k, group in enumerate(groups, start=1):
        part = f"{title} ({k} of {len(groups)})" if title else ""
        out.print(frame_table(frame[group], part, digits), width=width)
