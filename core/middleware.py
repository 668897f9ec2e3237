"""Responses Django leaves bare, given the application's French page."""

from django.shortcuts import render


class MethodNotAllowedPageMiddleware:
    """A 405 (a GET on a publish or delete address, from a bookmark or a copied link) is an empty
    response in Django: give it a French page in the layout that says what to do instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.content:
            return response
        page = render(request, "405.html", {"allowed": response.get("Allow", "")}, status=405)
        page["Allow"] = response.get("Allow", "")
        return page
