"""Ensembles on Dask: the same numbers in this process, on a local cluster of two workers
and on an external `dask scheduler` with a `dask worker` started here; a rerun skips the
runs already written; a failing run is retried, then recorded with its error."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from surplus.cli import app
from surplus.scenarios import RunRecord, read_spec, run_ensemble, run_one, store, summarise
from surplus.scenarios import run as ensemble
from tests.scenarios.specs import write_spec

RUNS = 2


def figures(out: Path) -> dict[int, tuple[object, object]]:
    """Per run: what it found (timings left out: they differ by machine)."""
    return {r.run_id: (r.figures, r.quotas) for r in store.read_all(out)}


@pytest.fixture(scope="module")
def spec_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_spec(tmp_path_factory.mktemp("spec"), runs=RUNS)


@pytest.fixture(scope="module")
def here(spec_path: Path) -> dict[int, tuple[object, object]]:
    """The runs computed in this process, one after another."""
    spec = read_spec(spec_path)
    records = [run_one(i, spec) for i in range(RUNS)]
    return {r.run_id: (r.figures, r.quotas) for r in records}


@contextlib.contextmanager
def dask_default_port_taken() -> Iterator[None]:
    """Port 8787 (Dask's default HTTP port) held, as by another cluster on the machine."""
    with socket.socket() as sock:
        with contextlib.suppress(OSError):  # already held by something else: just as good
            sock.bind(("127.0.0.1", 8787))
            sock.listen()
        yield


def test_two_local_workers_give_the_same_numbers_and_a_rerun_resumes(
    spec_path: Path, here: dict[int, tuple[object, object]], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    # Run 0 is already done (as if an earlier ensemble was interrupted after it).
    store.claim(out, spec_path)
    store.write(out, run_one(0, read_spec(spec_path)))
    before = store.run_path(out, 0).stat().st_mtime_ns
    with dask_default_port_taken():
        result = CliRunner().invoke(
            app, ["scenarios", "run", str(spec_path), "--out", str(out), "--workers", "2"]
        )
    assert result.exit_code == 0, result.output
    assert "1 already done, 1 finished now, 0 failed" in result.output
    assert store.run_path(out, 0).stat().st_mtime_ns == before  # not run again
    assert figures(out) == here
    # A second rerun has nothing to do and starts no cluster.
    outcome = run_ensemble(spec_path, out)
    assert (outcome.skipped, outcome.succeeded, outcome.failed) == (RUNS, (), ())


def test_the_report_answers_with_a_probability(spec_path: Path, tmp_path: Path) -> None:
    spec = read_spec(spec_path)
    out = tmp_path / "ens"
    store.claim(out, spec_path)
    for i in range(RUNS):
        store.write(out, run_one(i, spec))
    store.write(out, RunRecord(run_id=RUNS, status="failed", error="ValueError: drawn badly"))
    result = CliRunner().invoke(app, ["scenarios", "report", str(out)])
    assert result.exit_code == 0, result.output
    summary = summarise(spec, store.read_all(out))
    assert [q.quota_mw for q in summary.quotas] == [500.0, 2000.0]
    for quota in summary.quotas:
        assert quota.runs == RUNS and quota.probability == quota.holds / RUNS
    held = [q.quota_mw for q in summary.quotas if q.probability >= 0.95]
    assert summary.largest_quota_mw_at_confidence == (max(held) if held else None)
    assert [f.run_id for f in summary.failed] == [RUNS]
    page = (out / "ensemble.html").read_text()
    assert "Plotly" in page and "drawn badly" in page and "holds within" in page
    document = pd.read_json(out / "ensemble.json", typ="series")
    assert document["runs_ok"] == RUNS


def test_a_failing_run_is_retried_then_recorded(
    spec_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from distributed import Client, LocalCluster

    log = tmp_path / "attempts.txt"  # the task travels pickled: count in a file, not a list

    def flaky(run_id: int, spec: object) -> RunRecord:
        with log.open("a") as attempts:
            attempts.write(f"{run_id}\n")
        if run_id == 1:
            raise RuntimeError("solver fell over")
        return RunRecord(run_id=run_id, status="ok")

    monkeypatch.setattr(ensemble, "run_one", flaky)
    with (
        LocalCluster(n_workers=1, threads_per_worker=1, processes=False) as cluster,
        Client(cluster) as client,
    ):
        outcome = run_ensemble(
            spec_path, tmp_path / "o", scheduler=cluster.scheduler_address, retries=2
        )
        client.close()  # the test's own client: run_ensemble opens and closes its own
    assert outcome.succeeded == (0,) and outcome.failed == (1,)
    assert log.read_text().split().count("1") == 3  # the first try and two retries
    failed = [r for r in store.read_all(tmp_path / "o") if r.run_id == 1]
    assert failed[0].status == "failed" and "solver fell over" in failed[0].error
    # a rerun tries the failed run again, and only it
    monkeypatch.setattr(ensemble, "run_one", lambda i, spec: RunRecord(run_id=i, status="ok"))
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False) as cluster:
        again = run_ensemble(spec_path, tmp_path / "o", scheduler=cluster.scheduler_address)
    assert again.skipped == 1 and again.succeeded == (1,)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def external_scheduler(tmp_path: Path) -> Iterator[str]:
    """A real `dask scheduler` and one `dask worker` (one thread) from this venv, on a free
    port, stopped afterwards."""
    from distributed import Client

    dask = str(Path(sys.executable).parent / "dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    commands = [
        [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        [dask, "worker", address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard",
         "--host", "127.0.0.1"],
    ]  # fmt: skip
    with contextlib.ExitStack() as stack:
        processes = []
        for name, command in zip(("scheduler", "worker"), commands, strict=True):
            log = stack.enter_context((tmp_path / f"{name}.log").open("w"))
            processes.append(
                subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, env=os.environ)
            )
            time.sleep(1.0)
        try:
            with Client(address, timeout="60s") as client:
                client.wait_for_workers(1, timeout=120)
            yield address
        finally:
            for process in reversed(processes):
                process.terminate()
            for process in reversed(processes):
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def test_an_external_scheduler_gives_the_same_numbers(
    spec_path: Path,
    here: dict[int, tuple[object, object]],
    external_scheduler: str,
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        ["scenarios", "run", str(spec_path), "--out", str(out), "--scheduler", external_scheduler],
    )
    assert result.exit_code == 0, result.output
    assert figures(out) == here
