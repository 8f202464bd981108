"""Where `surplus assess` spends its time: the whole command on the embedded dataset, and
every dispatch it runs, by the stage that asked for it.

The command runs in this process exactly as from the shell (same arguments, same outputs),
with `surplus.dispatch.dispatch` wrapped to count and time each call; the wrapper adds
nothing measurable. Prints the wall time, then one line per stage: how many dispatches,
with how many flexible loads, whether they reused the base dispatch (`base=`), at which
cost cap, and their seconds.

    .venv/bin/python bench/assess.py [ASSESS ARGUMENTS ...]     # default: --out /tmp/assess --force
"""

from __future__ import annotations

import os
import platform
import sys
import time
import traceback
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from machine import cpu_name  # bench/machine.py: scripts run with bench/ on sys.path


@dataclass(frozen=True)
class Call:
    stage: str
    flexible: int
    reused_base: bool
    cost_cap: float | None
    seconds: float


def stage_of(stack: list[traceback.FrameSummary]) -> str:
    """The step of `surplus assess` (its function in surplus/report/cli.py) that asked for a
    dispatch, and the module that ran it, e.g. `_headroom via headroom/joint.py`."""
    step, via = "?", ""
    for frame in reversed(stack[:-1]):
        path = frame.filename.replace(os.sep, "/")
        if "/surplus/" not in path:
            continue
        module = path.rsplit("/surplus/", 1)[1]
        if module == "report/cli.py":
            step = frame.name if frame.name != "run" else step
            if step != "?":
                break
        elif not via and not module.startswith("dispatch/"):
            via = module
    return f"{step} via {via}" if via else step


def wrap(calls: list[Call]) -> Callable[..., Any]:
    import surplus.dispatch as package

    real = package.dispatch

    def counted(dataset: Any, flexible_loads: Any = (), *args: Any, **kwargs: Any) -> Any:
        stage = stage_of(traceback.extract_stack())
        start = time.perf_counter()
        result = real(dataset, flexible_loads, *args, **kwargs)
        calls.append(
            Call(
                stage,
                len(flexible_loads),
                kwargs.get("base") is not None,
                kwargs.get("cost_cap_pkr_per_mwh"),
                time.perf_counter() - start,
            )
        )
        return result

    package.dispatch = counted
    return real


def main() -> None:
    arguments = sys.argv[1:] or ["--out", "/tmp/assess", "--force"]
    calls: list[Call] = []
    wrap(calls)
    from surplus.cli import app

    start = time.perf_counter()
    cpu_start = time.process_time()
    try:
        app(["assess", *arguments], standalone_mode=False)
    finally:
        wall = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
        print(f"\nmachine: {cpu_name()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
        print(f"surplus assess {' '.join(arguments)}: {wall:,.1f} s wall, {cpu:,.1f} s CPU")
        print(f"dispatches: {len(calls)}, {sum(c.seconds for c in calls):,.1f} s in all")
        by_stage: dict[str, list[Call]] = defaultdict(list)
        for call in calls:
            by_stage[call.stage].append(call)
        for stage, group in by_stage.items():
            loads = sorted({c.flexible for c in group})
            caps = sorted({f"{c.cost_cap:,.0f}" for c in group if c.cost_cap is not None})
            print(
                f"  {len(group):3d} × {stage}: {sum(c.seconds for c in group):7.1f} s "
                f"(flexible loads {loads}; base reused {sum(c.reused_base for c in group)}"
                + (f"; cost caps {', '.join(caps)}" if caps else "")
                + ")"
            )


if __name__ == "__main__":
    main()
