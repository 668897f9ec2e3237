"""WeasyPrint reads only our static files and data: URLs: typed text cannot embed a file or reach a server."""

import datetime
import io

import pytest
from pypdf import PdfReader

from core import pdf
from governance.models import BodyKind, Meeting, MeetingStatus
from governance.services import body_upsert, meeting_schedule
from reporting import services as packs
from reporting.models import PackKind, PackStatus
from tests.reporting.test_packs import PERIOD_START, TODAY

MALICIOUS_MINUTES = (
    "<p>Relevé de la séance.</p>"
    '<a rel="attachment" href="file:///etc/passwd">x</a>'
    '<img src="file:///etc/passwd">'
    '<img src="http://127.0.0.1:9/x.png">'
    '<link rel="attachment" href="file:///etc/passwd">'
    '<object data="file:///etc/passwd"></object>'
    '<p style="background: url(file:///etc/passwd)">fond</p>'
)


class SpyFetcher(pdf.StaticOnlyURLFetcher):
    """Records every URL WeasyPrint asks for, and whether it was served."""

    instances: list["SpyFetcher"] = []

    def __init__(self):
        super().__init__()
        self.served: list[str] = []
        SpyFetcher.instances.append(self)

    def fetch(self, url, headers=None):
        response = super().fetch(url, headers)
        self.served.append(url)
        return response


@pytest.fixture
def spy(monkeypatch):
    SpyFetcher.instances = []
    monkeypatch.setattr(pdf, "StaticOnlyURLFetcher", SpyFetcher)
    return SpyFetcher.instances


def _embedded_files(reader: PdfReader) -> list:
    names = reader.trailer["/Root"].get("/Names", {})
    attachments = list(names.get("/EmbeddedFiles", {}).get("/Names", []))
    for page in reader.pages:
        for annotation in page.get("/Annots", []) or []:
            if annotation.get_object().get("/Subtype") == "/FileAttachment":
                attachments.append(annotation)
    return attachments


def test_malicious_minutes_do_not_reach_the_pdf(programme, sector_a, spy):
    body = body_upsert(programme=programme, name="COPIL Moulins", kind=BodyKind.COPIL, sectors=[sector_a])
    meeting = meeting_schedule(
        body=body, starts_at=datetime.datetime(2025, 3, 12, 10, tzinfo=datetime.UTC), place="Mairie"
    )
    # Written straight to the table, as an import or the admin could: the pack must not trust it.
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.HELD, minutes=MALICIOUS_MINUTES)
    pack = packs.pack_create(
        programme=programme,
        kind=PackKind.COPIL,
        sector=sector_a,
        period_start=PERIOD_START,
        period_end=TODAY,
        audience="interne",
    )

    html = packs.pack_html(packs.pack_scope(pack))
    assert "Relevé de la séance." in html
    assert "file:" not in html
    assert "127.0.0.1" not in html
    assert 'rel="attachment"' not in html

    pack = packs.pack_generate(pack=pack)
    assert pack.status == PackStatus.READY, pack.error
    with pack.file.open("rb") as stored:
        reader = PdfReader(io.BytesIO(stored.read()))
    assert _embedded_files(reader) == []
    assert "root:" not in "".join(page.extract_text() for page in reader.pages)
    requested = [url for fetcher in spy for url in fetcher.requested]
    assert requested, "the fetcher in use is the spy"
    assert not [url for url in requested if url.startswith("file:") or "127.0.0.1" in url]
    served = {url.split("/static/")[-1] for fetcher in spy for url in fetcher.served if "/static/" in url}
    assert served >= {"css/pack.css", "fonts/dejavu/DejaVuSans.ttf"}


def test_fetcher_alone_refuses_local_files_and_the_network(spy):
    """Even with HTML that was never sanitised, nothing outside our static files is read."""
    html = (
        '<html lang="fr"><head><title>t</title>'
        '<link rel="stylesheet" href="/static/css/pack.css"></head><body>'
        + MALICIOUS_MINUTES
        + '<img alt="" src="https://example.org/x.png"><img alt="" src="ftp://127.0.0.1/x">'
        + '<img alt="" src="/static/../../../../etc/passwd">'
        + '<img alt="" src="/static/%2e%2e/%2e%2e/etc/passwd">'
        + "</body></html>"
    )
    rendered = pdf.render_pdf(html)
    fetcher = spy[0]
    assert any(url.startswith("file:") for url in fetcher.requested)  # asked, and refused
    assert all(url.startswith(("data:", pdf.BASE_URL + "static/")) for url in fetcher.served)
    assert not [url for url in fetcher.served if "passwd" in url]
    assert _embedded_files(PdfReader(io.BytesIO(rendered.content))) == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.org/static/css/pack.css",
        "https://pack.invalid/media/dossiers/1/x.pdf",
        "https://pack.invalid/static/../../etc/passwd",
        "https://pack.invalid/static/%2e%2e/%2e%2e/etc/passwd",
        "https://pack.invalid/static/css/pack.css?x=file:///etc/passwd",
        "ftp://pack.invalid/static/css/pack.css",
        "gopher://127.0.0.1:70/",
    ],
)
def test_refused_urls(url):
    with pytest.raises(pdf.FetchRefused):
        pdf.StaticOnlyURLFetcher().fetch(url)


def test_served_urls():
    fetcher = pdf.StaticOnlyURLFetcher()
    css = fetcher.fetch(pdf.BASE_URL + "static/css/pack.css")
    assert b"@page" in css.read()
    assert css.content_type == "text/css"
    data = fetcher.fetch("data:text/plain;base64,Ym9uam91cg==")
    assert data.read() == b"bonjour"
