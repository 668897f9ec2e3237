from django import forms
from django.core.exceptions import ValidationError

DJANGO_BLANK = "---------"
BLANK_LABEL = "— choisir —"


class BootstrapFormMixin:
    """Adds Bootstrap 5 classes to every widget, so templates render fields without extra markup, and says
    « — choisir — » where Django would offer « --------- » as a select's empty choice."""

    fields: dict[str, forms.Field]  # from the form class it is mixed into

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _name_the_blank_choice(field)
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def _name_the_blank_choice(field: forms.Field) -> None:
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DJANGO_BLANK:
            field.empty_label = BLANK_LABEL
    elif isinstance(field, forms.ChoiceField):
        choices = list(field.widget.choices)  # the field's choices, made a list when the field was built
        if any(label == DJANGO_BLANK for _, label in choices):
            field.choices = [
                (value, BLANK_LABEL if label == DJANGO_BLANK else label) for value, label in choices
            ]


def apply_service_errors(form, error: ValidationError, field_map: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form: on the field it names (through `field_map` when the
    model's name differs from the form's), the rest at the top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    field_map = field_map or {}
    for name, errors in error.error_dict.items():
        target = field_map.get(name, name)
        form.add_error(target if target in form.fields else None, errors)


def save_or_errors(form, save) -> bool:
    """Run the service `save`; its validation errors go back on the form's fields. True when saved."""
    try:
        save()
    except ValidationError as error:
        apply_service_errors(form, error)
        return False
    return True
