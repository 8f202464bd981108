"""The site agent: a VEN that a mining farm or data centre runs on site.

`ven.SiteAgent` logs in with client credentials, learns of events by MQTT (`mqtt`) or
webhook (`webhook`) with polling as the fallback, drives its device to the binding limit
(`events`), acknowledges orders and reports metered power. Devices share one interface
(`devices.Device`): `simulated.SimulatedSite`, `pyasic_miners.PyasicMiners` (Bitcoin
miners through pyasic) and `nvml_gpus.NvmlGpus` (NVIDIA GPUs, read-only by default).
Losing the server, it follows its last events to their end, then the programme's
fail-safe rule. See docs/agent.md.
"""

from __future__ import annotations

__all__ = ["AgentConfig", "Device", "DeviceError", "Reading", "SimulatedSite", "SiteAgent"]

from surplus.agent.devices import Device, DeviceError, Reading
from surplus.agent.simulated import SimulatedSite
from surplus.agent.ven import AgentConfig, SiteAgent
