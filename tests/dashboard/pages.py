"""Reading the dashboard's HTML in tests: figures by their `data-figure` marks, links."""

from __future__ import annotations

import re
from html.parser import HTMLParser

EXTERNAL = re.compile(
    r"""(?:src|href|action|srcset|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", re.I
)


class Figures(HTMLParser):
    """Every `<data data-figure=... value=...>` inside the element with `id=scope`, as
    (figure, value, text shown), in document order."""

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope, self.depth, self.found = scope, 0, []
        self._open: list[str] = []
        self._current: tuple[str, str] | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if self.depth == 0 and values.get("id") == self.scope:
            self.depth = 1
            self._open = [tag]
            return
        if self.depth:
            self._open.append(tag)
            if tag == "data" and values.get("data-figure"):
                self._current = (str(values["data-figure"]), str(values["value"]))
                self._text = ""

    def handle_endtag(self, tag: str) -> None:
        if not self.depth:
            return
        if tag == "data" and self._current is not None:
            self.found.append((*self._current, self._text))
            self._current = None
        while self._open and self._open.pop() != tag:
            pass
        if not self._open:
            self.depth = 0

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._text += data


def figures(html: str, scope: str) -> list[tuple[str, str, str]]:
    parser = Figures(scope)
    parser.feed(html)
    assert parser.found, f"no figures inside #{scope}"
    return parser.found
