"""`surplus allocate`: applications in, allocations.csv, term sheets, summary.json and a
report page out. A thin shell over the library; register with
``app.command("allocate")(allocate_command)``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from surplus.console import console, fails_cleanly, print_frame, progress_bar
from surplus.errors import InputError, Problem

if TYPE_CHECKING:
    from surplus.allocation.allocator import Phase
    from surplus.dispatch import DispatchResult, FlexibleLoad
    from surplus.grid.model import Dataset

SAMPLE = "pakistan/applications.csv"


def sample_applications() -> Path:
    """The sample applications shipped with the embedded Pakistan dataset."""
    return Path(str(files("surplus") / "data" / SAMPLE))


def parse_phase(text: str, number: int) -> Phase:
    """'1000@2028-01-01' → a phase of 1,000 MW opening on that date."""
    from surplus.allocation.allocator import Phase

    mw, sep, day = text.partition("@")
    try:
        quota = float(mw)
        opens = date.fromisoformat(day) if sep else None
    except ValueError:
        raise InputError(
            Problem("--phase", None, None, "MW@YYYY-MM-DD, e.g. 1000@2028-01-01", text)
        ) from None
    if not quota >= 0 or opens is None:
        raise InputError(Problem("--phase", None, None, "MW ≥ 0 and an opening date", text))
    return Phase(f"phase {number}", quota, opens)


@fails_cleanly
def allocate_command(
    applications: Annotated[
        Path | None,
        typer.Argument(
            help="Applications, .csv or .json; the shipped sample when left out.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Folder for allocations.csv, summary.json, term sheets."),
    ] = Path("out/allocation"),
    dataset_path: Annotated[
        Path | None,
        typer.Option("--dataset", help="Dataset folder (embedded Pakistan by default)."),
    ] = None,
    quota: Annotated[float, typer.Option(help="Quota of the first phase, MW.")] = 2000.0,
    phase: Annotated[
        list[str] | None,
        typer.Option(help="A further phase, MW@YYYY-MM-DD (repeat for more).", show_default=False),
    ] = None,
    operator_cap: Annotated[
        float, typer.Option(help="Most MW one operator may hold; 0 for no cap.")
    ] = 500.0,
    objective: Annotated[
        str, typer.Option(help="benefit (public net benefit) or mw (MW allocated).")
    ] = "benefit",
    gap: Annotated[float, typer.Option(help="Relative optimality gap to stop at.")] = 1e-4,
) -> None:
    """Allocate the quota among applications: optimal, verified by dispatch, explained."""
    from surplus.allocation.allocator import AllocationSettings, Phase, allocate
    from surplus.allocation.grid import at_cost_spares, caps_of, grid_capacity, known_sites
    from surplus.allocation.output import allocations_frame, write_outputs
    from surplus.allocation.reader import read_applications
    from surplus.allocation.term_sheets import TermsPolicy
    from surplus.dispatch import dispatch
    from surplus.grid.load import load_dataset
    from surplus.report.allocation_section import allocation_section
    from surplus.report.html import render_report

    if objective not in ("benefit", "mw"):
        raise InputError(Problem("--objective", None, None, "benefit or mw", objective))
    if not (0 <= gap < 1):
        raise InputError(Problem("--gap", None, None, "a fraction in [0, 1)", str(gap)))
    phases = [Phase("phase 1", quota)] + [
        parse_phase(text, n) for n, text in enumerate(phase or [], start=2)
    ]
    settings = AllocationSettings(
        phases=tuple(phases),
        operator_cap_mw=operator_cap or None,
        objective=objective,  # type: ignore[arg-type]
        mip_rel_gap=gap,
    )
    dataset = load_dataset(dataset_path)
    source = applications or sample_applications()
    apps = read_applications(source, known_sites(dataset))
    console.print(
        f"[bold]{len(apps)} applications[/] from {source} asking "
        f"{sum(a.requested_mw for a in apps):,.0f} MW; quota "
        f"{sum(p.quota_mw for p in settings.phases):,.0f} MW on {dataset.info.name} "
        f"{dataset.info.year}"
    )
    with progress_bar("dispatch without the new loads") as progress:
        base = dispatch(dataset, progress=progress)
    caps = caps_of({a.tariff_rule for a in apps}, settings.benefit.serving)
    with progress_bar("spare at the tariffs' other cost caps") as progress:
        spares = at_cost_spares(dataset, base, caps)
        progress(1, 1)
    grid = grid_capacity(dataset, base, spares)

    def run(data: Dataset, flexible_loads: Sequence[FlexibleLoad] = ()) -> DispatchResult:
        return dispatch(data, flexible_loads, base=base)

    with progress_bar("allocate (solve, verify by dispatch)") as progress:
        allocation = allocate(
            apps,
            grid,
            dataset,
            settings,
            run=run,
            progress=lambda _s, done, total: progress(done, total),
        )
    policy = TermsPolicy(value_of_lost_load_pkr_per_mwh=dataset.info.value_of_lost_load_per_mwh)
    paths = write_outputs(allocation, out, policy)
    page = render_report(
        "Allocation of the quota",
        f"{dataset.info.name} {dataset.info.year}, {len(apps)} applications",
        [allocation_section(allocation)],
    )
    (out / "allocation.html").write_text(page, encoding="utf-8")
    frame = allocations_frame(allocation)[
        ["application", "operator", "site", "requested_mw", "allocated_mw", "binding"]
    ].set_index("application")
    print_frame(frame, "Allocation", digits=1)
    console.print(
        f"allocated {allocation.allocated_mw:,.1f} MW to "
        f"{sum(1 for d in allocation.decisions if d.allocated_mw > 0)} applications; "
        f"net benefit Rs {allocation.objective_value / 1e9:,.2f} bn a year"
        if objective == "benefit"
        else f"allocated {allocation.allocated_mw:,.1f} MW"
    )
    console.print(
        f"optimality gap {allocation.gap:.4%}; {allocation.rounds} round(s); verification "
        + ("passed" if allocation.verification.passes else "failed")
        + (f"; withdrawn: {', '.join(allocation.withdrawn)}" if allocation.withdrawn else "")
    )
    console.print(
        f"[green]wrote[/] {paths['allocations']}, {paths['summary']}, "
        f"{paths['term_sheets']}/ and {out / 'allocation.html'}"
    )
