"""The assessment report: what the dispatch says about surplus, as tables, JSON and HTML.

`summarise` turns a dataset and its dispatch into plain tables; `figures` draws them;
`html` assembles sections into one self-contained page. Later stages (headroom, economics)
add their own `Section`s.
"""

from surplus.report.html import Section, render_report
from surplus.report.summary import Assessment, summarise

__all__ = ["Assessment", "Section", "render_report", "summarise"]
