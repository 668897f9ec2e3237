from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError


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
