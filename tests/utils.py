import base64
import re

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext


def count_queries(client, url: str, **kwargs) -> int:
    """Number of SQL queries that one GET of the URL makes (the response must be a 200)."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, **kwargs)
    assert response.status_code == 200, response.status_code
    return len(context.captured_queries)


def run_after_commit():
    """Run the on_commit callbacks (the Celery tasks sent once a request's work is committed) when the
    block ends, as they would run after the request in production; the test's transaction stays open."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def svg_size(data_uri: str) -> tuple[float, float]:
    """Width and height (px) of a chart given as a `data:image/svg+xml;base64,…` URI."""
    svg = base64.b64decode(data_uri.split(",", 1)[1]).decode()
    root = re.search(r"<svg[^>]*>", svg).group(0)
    return tuple(float(re.search(rf'\b{name}="([\d.]+)"', root).group(1)) for name in ("width", "height"))
