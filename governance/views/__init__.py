"""Thin views of governance and concertation: scope the queryset, call a service or a selector, render."""
