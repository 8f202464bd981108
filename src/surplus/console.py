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

console = Console()
if not console.is_terminal:
    console = Console(width=160)  # logs and pipes: wide tables rather than truncated cells
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
            err_console.print(f"[bold red]{count} problem{'s' if count != 1 else ''} found:[/]")
            for problem in error.problems:
                err_console.print(f"  • {problem}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None
        except SurplusError as error:
            err_console.print(f"[bold red]error:[/] {error}", highlight=False)
            raise typer.Exit(1) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
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


def frame_table(frame: Any, title: str = "", digits: int = 0) -> Any:
    """A pandas frame as a rich table: numbers right-aligned with thousands separators."""
    from rich.table import Table

    table = Table(title=title, title_justify="left", header_style="bold")
    table.add_column(str(frame.index.name or ""))
    for column in frame.columns:
        numeric = frame[column].dtype.kind in "iuf"
        table.add_column(str(column), justify="right" if numeric else "left")
    for label, row in frame.iterrows():
        cells = []
        for value in row:
            if isinstance(value, float):
                cells.append(f"{value:,.{digits}f}" if value == value else "")
            elif isinstance(value, int) and not isinstance(value, bool):
                cells.append(f"{value:,}")
            else:
                cells.append(str(value))
        table.add_row(str(label), *cells)
    return table


def print_frame(frame: Any, title: str = "", digits: int = 0) -> None:
    console.print(frame_table(frame, title, digits))
