"""The public dashboard of the programme, in English (`/`) and Urdu (`/ur/`).

Concepts:

* a **view model** (`model.py`): plain pydantic values of what a page shows, filled by
  `provider.py` from the store (register, controller tables, readings) and, for the
  money and energy figures, by `settlement_source.py`, the one place that reads
  settlement; a month settlement has not settled is "not yet available", never invented;
* **pages** (`routes.py`): server-rendered Jinja2 templates, every word through the gettext
  catalogs of `locale/` (`i18n.py`), numbers and dates formatted per locale with Babel, the
  Urdu page right to left in the Noto Nastaliq Urdu font shipped in `static/fonts/`;
* the **map** (`map.py`): Pakistan's provinces from Natural Earth (shipped in `data/`) as
  inline SVG, each zone's state now drawn at its centre;
* **operators** log in (`session.py`) with their client credentials to see their own sites
  and statements; the public sees aggregates only, also as open data (`exports.py`);
* no page makes a request outside the service: no scripts, and a Content-Security-Policy
  that forbids it (`security.py`).
"""

from __future__ import annotations

from surplus.dashboard.routes import router

__all__ = ["router"]
