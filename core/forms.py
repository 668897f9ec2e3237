from django import forms


class BootstrapFormMixin:
    """Adds Bootstrap 5 classes to every widget, so templates render fields without extra markup."""

    fields: dict[str, forms.Field]  # from the form class it is mixed into

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
