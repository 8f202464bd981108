"""The service in a child process on loopback, for whatever needs a real network server:
tests that kill it mid-request or drive it with an independent client, and benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

READY_PATH = "/openadr3/3.1.0/auth/server"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def spawn_server(
    port: int,
    settings: Mapping[str, str],
    workers: int = 1,
    log_path: Path | None = None,
    timeout_s: float = 30.0,
) -> subprocess.Popen[bytes]:
    """`surplus serve` on 127.0.0.1:`port` with SURPLUS_* `settings`, once it answers.

    It advertises its own address (SURPLUS_PUBLIC_URL `http://127.0.0.1:port`) unless
    `settings` name another. Its output goes to `log_path` (appended) or nowhere; a server
    that does not answer within `timeout_s` is killed and reported.
    """
    command = [sys.executable, "-m", "surplus", "serve", "--port", str(port)]
    command += ["--workers", str(workers), "--no-access-log"]
    env = {**os.environ, "SURPLUS_PUBLIC_URL": f"http://127.0.0.1:{port}", **settings}
    if log_path is None:
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
    else:
        with open(log_path, "ab") as log:  # the child keeps its own copy of the file
            process = subprocess.Popen(command, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}{READY_PATH}", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    process.wait()
    raise RuntimeError(f"the service did not start on port {port} within {timeout_s:.0f} s")
