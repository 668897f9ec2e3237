from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url: str, **kwargs) -> int:
    """Number of SQL queries that one GET of the URL makes (the response must be a 200)."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, **kwargs)
    assert response.status_code == 200, response.status_code
    return len(context.captured_queries)
