"""What report.html is made of: its size, the share of plotly.js (embedded once), and each
figure's bytes, largest first, by title.

    .venv/bin/python bench/report_size.py out/report.html [more reports ...]

Run `surplus assess --out out` first; the figures are what the page embeds, measured, never
estimated.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from plotly.offline import get_plotlyjs


def describe(path: Path) -> None:
    page = path.read_text(encoding="utf-8")
    plotly_js = len(get_plotlyjs())
    pieces = re.split(r'(<div id="figure-\d+")', page)
    figures = []
    for k in range(1, len(pieces), 2):
        chunk = pieces[k + 1]
        end = chunk.find("</script>")
        body = chunk[: end if end >= 0 else len(chunk)]
        title = re.search(r'"title":\{"text":"([^"]{0,70})', body)
        figures.append((len(body.encode()), title.group(1) if title else "(untitled)"))
    total = len(page.encode())
    print(f"{path}: {total / 1e6:,.2f} MB; plotly.js {plotly_js / 1e6:,.2f} MB (once); "
          f"{len(figures)} figures {sum(f for f, _ in figures) / 1e6:,.2f} MB")  # fmt: skip
    for size, title in sorted(figures, reverse=True)[:10]:
        print(f"  {size / 1e3:8,.0f} kB  {title}")


def main() -> None:
    paths = [Path(p) for p in sys.argv[1:]] or [Path("out/report.html")]
    for path in paths:
        describe(path)


if __name__ == "__main__":
    main()
