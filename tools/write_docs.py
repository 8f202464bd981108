"""Regenerate the documentation sections that are derived from code catalogues."""

from __future__ import annotations

from pathlib import Path

from surplus.grid.schema_docs import replace_generated

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    path = ROOT / "docs" / "dataset-format.md"
    path.write_text(replace_generated(path.read_text()))
    print(f"updated {path}")


if __name__ == "__main__":
    main()
