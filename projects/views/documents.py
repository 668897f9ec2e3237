from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from core.decorators import programme_required
from projects import selectors, services
from projects.forms import DocumentForm
from projects.models import Document


def _target(request, kind: str, key: str):
    if kind == "quartier":
        sectors = selectors.visible_sectors(user=request.user, programme=request.programme)
        return get_object_or_404(sectors, slug=key)
    operations = selectors.visible_operations(user=request.user, programme=request.programme)
    return get_object_or_404(operations, pk=key)


@require_POST
@programme_required
def document_upload(request, kind: str, key: str):
    target = _target(request, kind, key)
    if not request.user.has_perm("projects.add_document", target):
        raise PermissionDenied
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.document_attach(target=target, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Document « {form.cleaned_data['title']} » ajouté.")
    else:
        errors = "; ".join(f"{form.fields[name].label} : {' '.join(e)}" for name, e in form.errors.items())
        messages.error(request, f"Document non ajouté. {errors}")
    if kind == "quartier":
        return redirect("projects:sector_detail", slug=target.slug)
    return redirect("projects:operation_detail", pk=target.pk)


@programme_required
def document_download(request, pk: int):
    document = get_object_or_404(Document.objects.visible_to(request.user, request.membership), pk=pk)
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=document.file.name.split("/")[-1]
    )
