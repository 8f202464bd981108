"""`surplus agent`: the site agent, run on site next to the miners or GPUs."""

from __future__ import annotations

import asyncio
import os
from typing import Annotated, Literal

import typer

from surplus.console import err_console, fails_cleanly
from surplus.errors import SurplusError

SECRET_ENV = "SURPLUS_AGENT_CLIENT_SECRET"


@fails_cleanly
def agent_command(
    vtn: Annotated[str, typer.Option(help="The VTN's base URL, …/openadr3/3.1.0.")],
    client_id: Annotated[str, typer.Option(help=f"OAuth client id (secret: ${SECRET_ENV}).")],
    site_id: Annotated[int, typer.Option(min=1, help="The site's id in the programme.")],
    full_kw: Annotated[float, typer.Option(min=0.001, help="Contracted import, kW.")],
    floor_kw: Annotated[float, typer.Option(min=0, help="Firm load that stays on, kW.")] = 0.0,
    adapter: Annotated[str, typer.Option(help="simulated, pyasic or nvml.")] = "simulated",
    miner: Annotated[list[str] | None, typer.Option(help="A miner's IP (pyasic; repeat).")] = None,
    gpu_control: Annotated[
        bool, typer.Option(help="Let the NVML adapter set GPU power limits (default: read-only).")
    ] = False,
    overhead_kw: Annotated[
        float, typer.Option(min=0, help="Site load besides the devices, kW.")
    ] = 0.0,
    mqtt: Annotated[str, typer.Option(help="mqtt(s)://host:port of the VTN's broker.")] = "",
    listen: Annotated[str, typer.Option(help="HOST:PORT to receive webhooks on.")] = "",
    callback_url: Annotated[str, typer.Option(help="The URL the VTN should post to.")] = "",
    fail_safe: Annotated[
        str,
        typer.Option(
            help="Without the server and without a live event: 'curtail' to the floor or 'hold'."
        ),
    ] = "curtail",
    program: Annotated[str, typer.Option(help="The OpenADR program to follow.")] = "surplus-flex",
) -> None:
    """Run a site agent: log in, follow the VTN's events, drive the devices, report."""
    from surplus.agent.devices import Device
    from surplus.agent.run import run_agent
    from surplus.agent.ven import AgentConfig

    secret = os.environ.get(SECRET_ENV, "")
    if not secret:
        raise SurplusError(f"set {SECRET_ENV} to the client's secret (never on the command line)")
    if fail_safe not in ("curtail", "hold"):
        raise SurplusError("--fail-safe must be 'curtail' or 'hold'")
    device: Device
    if adapter == "simulated":
        from surplus.agent.simulated import SimulatedSite

        device = SimulatedSite("simulated", full_kw, floor_kw)
    elif adapter == "pyasic":
        if not miner:
            raise SurplusError("--adapter pyasic needs at least one --miner IP")
        from surplus.agent.pyasic_miners import PyasicMiners

        device = PyasicMiners(miner, overhead_kw=overhead_kw)
    elif adapter == "nvml":
        from surplus.agent.nvml_gpus import NvmlGpus

        device = NvmlGpus(read_only=not gpu_control, overhead_kw=overhead_kw)
    else:
        raise SurplusError("--adapter must be simulated, pyasic or nvml")
    where = None
    if listen:
        host, _, port = listen.rpartition(":")
        if not host or not port.isdigit():
            raise SurplusError("--listen must be HOST:PORT")
        where = (host, int(port))
    mode: Literal["curtail", "hold"] = "curtail" if fail_safe == "curtail" else "hold"
    config = AgentConfig(
        vtn_url=vtn.rstrip("/"),
        client_id=client_id,
        client_secret=secret,
        site_id=site_id,
        full_kw=full_kw,
        floor_kw=floor_kw,
        program=program,
        fail_safe=mode,
        callback_url=callback_url,
        callback_token=os.environ.get("SURPLUS_AGENT_CALLBACK_TOKEN", ""),
    )
    err_console.print(f"agent for site {site_id} following {program} at {vtn} ({adapter})")
    try:
        asyncio.run(run_agent(config, device, mqtt_url=mqtt, listen=where))
    except KeyboardInterrupt:
        err_console.print("stopped")
