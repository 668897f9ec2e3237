"""Responses shared by views that serve computed data (map layers, points)."""

import hashlib

from django.http import HttpResponse, HttpResponseNotModified


def private_cached_response(
    request, body: bytes, *, content_type: str, max_age: int, gzipped: bytes | None = None
) -> HttpResponse:
    """`body`, which depends on the user, kept `max_age` seconds by their browser only (private), with an
    ETag: the same body asked again with it answers 304. `gzipped` (the same body compressed, computed
    once by the caller) goes to browsers that accept gzip."""
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    vary = "Cookie"
    if etag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()
    elif gzipped is not None and "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(gzipped, content_type=content_type)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(body, content_type=content_type)
    if gzipped is not None:
        vary = "Cookie, Accept-Encoding"
    response["ETag"] = etag
    response["Cache-Control"] = f"private, max-age={max_age}"
    response["Vary"] = vary
    return response
