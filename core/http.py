"""What views share about HTTP: cached responses of computed data (map layers, points), and where a form
sends the user back."""

import hashlib

from django.http import HttpResponse, HttpResponseNotModified
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, default: str) -> str:
    """The form's `next` (POST, else GET) when it is a page of this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


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
