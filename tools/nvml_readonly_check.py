"""Read every GPU through the agent's NVML adapter in read-only mode, and check that no
setting changed: each GPU's power limit is the same before and after, and an order is
refused rather than applied. Needs an NVIDIA driver and `pip install nvidia-ml-py`.

    python tools/nvml_readonly_check.py [--samples 5]

Prints one JSON line per sample and a verdict; exit code 1 if anything changed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from datetime import UTC, datetime

from surplus.agent.devices import DeviceError
from surplus.agent.nvml_gpus import NvmlGpus


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=5)
    args = parser.parse_args()
    gpus = NvmlGpus(read_only=True)
    before = gpus.limits_mw()
    names = [gpus.nvml.nvmlDeviceGetName(h) for h in gpus.handles]
    print(json.dumps({"gpus": [str(n) for n in names], "limits_mw": before}))
    for _ in range(args.samples):
        reading = asyncio.run(gpus.read(datetime.now(UTC)))
        print(json.dumps({"at": reading.at.isoformat(), "power_kw": round(reading.power_kw, 4)}))
        time.sleep(0.5)
    refused = False
    try:
        asyncio.run(gpus.apply(0.1, datetime.now(UTC)))
    except DeviceError:
        refused = True
    after = gpus.limits_mw()
    gpus.close()
    unchanged = before == after
    print(json.dumps({"limits_unchanged": unchanged, "order_refused": refused}))
    return 0 if unchanged and refused else 1


if __name__ == "__main__":
    sys.exit(main())
