"""Writes every app's services share."""

from typing import TypeVar

from django.db import models

ModelT = TypeVar("ModelT", bound=models.Model)


def model_save(instance: ModelT, *, exclude: list[str] | None = None) -> ModelT:
    """Validate the instance (`full_clean`, which raises a `ValidationError`) and save it."""
    instance.full_clean(exclude=exclude)
    instance.save()
    return instance
