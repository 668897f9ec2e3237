from django import template

from core import formatting

register = template.Library()


@register.filter
def euros(value) -> str:
    return formatting.format_euros(value)


@register.filter
def french_date(value, fmt: str = "j F Y") -> str:
    """`{{ day|french_date }}` → "1er janvier 2027"; takes the `date` filter's formats ("l j F Y")."""
    return formatting.format_date(value, fmt)


@register.filter
def millions(value) -> str:
    return formatting.format_millions(value)


@register.simple_tag
def percent(part, whole) -> str:
    return formatting.format_percent(part, whole)


@register.simple_tag(takes_context=True)
def querystring_without(context, *names: str) -> str:
    """The current query string minus some parameters (e.g. page), for export and sort links."""
    query = context["request"].GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@register.simple_tag(takes_context=True)
def main_menu(context) -> list:
    """The main menu's entries for this request (registry filled by each app's navigation.py)."""
    from core.navigation import menu

    return menu(context["request"])
