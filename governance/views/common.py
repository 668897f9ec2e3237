from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.http import url_has_allowed_host_and_scheme


def require_perm(request, perm: str, obj) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def form_errors_message(form) -> str:
    """One line for a flash message: « Libellé : erreur ; … » (for forms posted from a detail page)."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(str(e) for e in errors)
        parts.append(f"{label} : {text}" if label else text)
    return " ; ".join(parts)


def service_error_message(error: ValidationError) -> str:
    return " ".join(error.messages)


def flash_form_errors(request, prefix: str, form) -> None:
    messages.error(request, f"{prefix} {form_errors_message(form)}")


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default
