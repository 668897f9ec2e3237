"""HTML → PDF with WeasyPrint: A4, tagged (PDF/UA-1), fonts embedded, fetching restricted.

WeasyPrint may read only two kinds of URL: `data:` and our own static files, which are read from
disk (STATIC_ROOT, else the staticfiles finders). Every other URL — `file:`, `http(s):` towards any
host, `ftp:`… — is refused before anything is opened, so text typed by a user can neither embed a
local file nor reach a server.
"""

import mimetypes
import posixpath
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import DataHandler, Request

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from weasyprint import HTML, URLFetcher
from weasyprint.urls import URLFetcherResponse

# Relative URLs of the HTML ({% static %} gives "/static/…") are resolved against this base. The
# ".invalid" top-level domain never resolves (RFC 2606) and the fetcher never goes to the network.
BASE_URL = "https://pack.invalid/"
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}


class FetchRefused(ValueError):
    pass


class StaticOnlyURLFetcher(URLFetcher):
    """Serves `data:` URLs and our static files from disk; refuses everything else.

    `requested` records every URL WeasyPrint asked for, refused ones included.
    """

    def __init__(self) -> None:
        super().__init__(allow_redirects=False)
        self.requested: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        self.requested.append(url)
        if url.startswith("data:"):
            response = DataHandler().data_open(Request(url))
            return URLFetcherResponse(
                url, response.read(), {"Content-Type": response.headers["Content-Type"]}
            )
        path = static_path_for(url)
        if path is None:
            raise FetchRefused(f"Ressource refusée dans un dossier PDF : {url[:120]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def static_path_for(url: str) -> Path | None:
    """The file on disk behind one of our static URLs, or None for any other URL."""
    parts = urlsplit(url)
    base = urlsplit(BASE_URL)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or parts.query:
        return None
    if not parts.path.startswith(settings.STATIC_URL):
        return None
    name = posixpath.normpath(unquote(parts.path[len(settings.STATIC_URL) :]))
    if name.startswith(("..", "/")) or "\\" in name or "\x00" in name:
        return None
    return _collected(name) or _found(name)


def _collected(name: str) -> Path | None:
    if not settings.STATIC_ROOT:
        return None
    root = Path(settings.STATIC_ROOT).resolve()
    path = (root / name).resolve()
    return path if path.is_relative_to(root) and path.is_file() else None


def _found(name: str) -> Path | None:
    try:
        found = finders.find(name)
    except SuspiciousFileOperation:
        return None
    return Path(found) if found else None


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    page_count: int
    render_ms: int
    fetcher: StaticOnlyURLFetcher


def render_pdf(html: str, *, fetcher: StaticOnlyURLFetcher | None = None) -> RenderedPdf:
    """Lay out and write the PDF; `render_ms` is WeasyPrint's own time (parse, layout, write)."""
    fetcher = fetcher or StaticOnlyURLFetcher()
    started = time.perf_counter()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(**PDF_OPTIONS)
    content = document.write_pdf(**PDF_OPTIONS)
    render_ms = round((time.perf_counter() - started) * 1000)
    return RenderedPdf(content=content, page_count=len(document.pages), render_ms=render_ms, fetcher=fetcher)
