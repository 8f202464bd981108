"""The parameter tables of `docs/economics.md`, rendered from the catalogues.

The page keeps hand-written prose; each generated table sits between a pair of markers
(`<!-- BEGIN GENERATED: name -->` … `<!-- END GENERATED: name -->`) that `update_page`
rewrites. `python -m surplus.economics.docs docs/economics.md` refreshes the page.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from surplus.economics.catalogue import PROGRAMME, PUBLIC, TARIFFS
from surplus.loads.catalogue import (
    ASIC_MODELS,
    BITCOIN,
    DATA_CENTRE,
    MINER_FLEET,
    SOURCES,
    Catalogue,
)

CATALOGUES: tuple[Catalogue, ...] = (MINER_FLEET, DATA_CENTRE, BITCOIN, TARIFFS, PUBLIC, PROGRAMME)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"


def _source(key: str) -> str:
    return key if key == "assumption" else f"[{key}]"


def parameter_table(catalogue: Catalogue) -> str:
    lines = [
        f"*{catalogue.description}*",
        "",
        "| Parameter | Unit | Default | Range | Source | Meaning |",
        "|---|---|---|---|---|---|",
    ]
    for p in catalogue.parameters:
        span = f"{_number(p.minimum)} … {_number(p.maximum)}".strip()
        lines.append(
            f"| `{p.name}` | {p.unit} | {_number(p.default)} | {span} | {_source(p.source)} "
            f"| {p.description} |"
        )
    return "\n".join(lines)


def asic_table() -> str:
    lines = [
        "| Model | Released | TH/s | W | J/TH | Cooling | USD/TH | Source |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for m in ASIC_MODELS:
        price = f"{m.price_usd_per_th:g} [{m.price_source}]" if m.price_usd_per_th else "—"
        lines.append(
            f"| `{m.name}` | {m.released} | {m.hashrate_ths:g} | {m.power_w:,.0f} "
            f"| {m.efficiency_j_per_th:.1f} | {m.cooling} | {price} | [{m.source}] |"
        )
    return "\n".join(lines)


def sources_table() -> str:
    lines = ["| Key | Where |", "|---|---|"]
    lines += [f"| [{key}] | {where} |" for key, where in sorted(SOURCES.items())]
    return "\n".join(lines)


def generated_blocks() -> dict[str, str]:
    blocks = {c.name: parameter_table(c) for c in CATALOGUES}
    blocks["asic_models"] = asic_table()
    blocks["sources"] = sources_table()
    return blocks


def _replacer(body: str) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        return match.group(1) + body + "\n" + match.group(2)

    return replace


def update_page(text: str) -> str:
    """`text` with every generated block replaced by its current rendering."""
    for name, body in generated_blocks().items():
        pattern = re.compile(
            rf"(<!-- BEGIN GENERATED: {name} -->\n).*?(<!-- END GENERATED: {name} -->)",
            re.DOTALL,
        )
        text = pattern.sub(_replacer(body), text)
    return text


def main(argv: list[str]) -> None:
    path = Path(argv[0] if argv else "docs/economics.md")
    path.write_text(update_page(path.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
