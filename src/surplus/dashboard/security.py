"""Response headers of every dashboard page and file, beyond those every answer of the
service carries (`surplus.api.headers`: nosniff, no referrer, no framing, HSTS in
production).

The pages carry no script at all, so the Content-Security-Policy can forbid every source but
the service itself: no script runs, nothing is fetched from another origin (a style, a font,
an image, a form target), and no other site may frame the pages.
"""

from __future__ import annotations

from starlette.responses import Response

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'none'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    )
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def secured(response: Response, private: bool = False) -> Response:
    """`response` with the dashboard's headers; `private` pages (an operator's) are never
    stored by a cache."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if private:
        response.headers["Cache-Control"] = "no-store"
        response.headers["Vary"] = "Cookie"
    return response
