"""Remembered mappings of partners' words onto an import's fields and values, per programme and kind.

- A column mapping: a header of the partner's file → the field it holds (« Programme / opération » →
  Opération). Applied when the header row is read, as if the header were one of the column's synonyms.
- A value mapping: a value of a mappable field → its target, the object's identifier or the vocabulary
  value's code (« Démolition Tour Bizet » → C0591-21-0003). Applied to the cell before it is parsed.

A column is mappable when its parser is a `core.vocabularies.Vocabulary`, or when it declares `values=`
(an object with `targets(programme)` and `target(programme, code)`, e.g. the programme's operations).
Mappings are saved from the import's preview or by `import_xlsx --map-column/--map-value`, and edited
on the « Correspondances » page.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.imports import Column, ImportSpec, MappingSet, header_key, import_specs
from core.models import ImportMapping, MappingType
from core.parsing import normalize_key, parse_text


def mappings_for(*, programme, kind: str) -> MappingSet:
    mappings = MappingSet()
    if programme is None:
        return mappings
    for mapping in ImportMapping.objects.filter(programme=programme, kind=kind):
        if mapping.mapping_type == MappingType.COLUMN:
            mappings.columns[mapping.source_key] = mapping.field
        else:
            mappings.values.setdefault(mapping.field, {})[mapping.source_key] = mapping.target
    return mappings


# Naming fields and targets ------------------------------------------------------------------------------


def column_named(spec_class: type[ImportSpec], name: str) -> Column:
    """A column by its field name, its label or any header it accepts; a French error otherwise."""
    text = parse_text(name)
    for column in spec_class.columns:
        if column.field == text:
            return column
    found = spec_class._header_lookup.get(header_key(text))
    if found is None:
        labels = ", ".join(f"« {column.label} »" for column in spec_class.columns if not column.hidden)
        raise ValidationError(
            f"Champ « {text} » inconnu pour l'import « {spec_class.label} ». Champs : {labels}."
        )
    return found


def mappable_column(spec_class: type[ImportSpec], name: str) -> Column:
    column = column_named(spec_class, name)
    if column.lookup is None:
        mappable = ", ".join(f"« {c.label} »" for c in spec_class.columns if c.lookup is not None) or "aucun"
        raise ValidationError(
            f"Les valeurs du champ « {column.label} » ne se mettent pas en correspondance. "
            f"Champs dont les valeurs le peuvent : {mappable}."
        )
    return column


def checked_target(column: Column, programme, target: str) -> str:
    """The target's code, once checked against the field's targets; a French error otherwise."""
    code = column.lookup.target(programme, parse_text(target))
    if code is None:
        raise ValidationError(
            f"« {parse_text(target)} » n'est pas {column.lookup.target_what} pour « {column.label} »"
            f" ({_examples(column, programme)})."
        )
    return code


def _examples(column: Column, programme) -> str:
    targets = column.lookup.targets(programme)
    shown = ", ".join(f"{code} ({label})" if code != label else code for code, label in targets[:8])
    more = "…" if len(targets) > 8 else ""
    return f"par exemple {shown}{more}" if targets else "aucune valeur possible"


def parse_column_option(spec_class: type[ImportSpec], option: str) -> tuple[Column, str]:
    """ "Opération=Programme / opération" → (the column, the file's header)."""
    name, sep, header = option.partition("=")
    if not sep or not name.strip() or not header.strip():
        raise ValidationError(f'« {option} » : écrivez --map-column "Champ=En-tête du fichier".')
    return column_named(spec_class, name), parse_text(header)


def parse_value_option(spec_class: type[ImportSpec], programme, option: str) -> tuple[Column, str, str]:
    """ "Opération:Démolition Tour Bizet=C0591-21-0003" → (the column, the file's value, the target)."""
    name, sep, rest = option.partition(":")
    value, sep2, target = rest.rpartition("=")
    if not sep or not sep2 or not name.strip() or not value.strip() or not target.strip():
        raise ValidationError(
            f'« {option} » : écrivez --map-value "Champ:Valeur du fichier=identifiant ou code".'
        )
    column = mappable_column(spec_class, name)
    return column, parse_text(value), checked_target(column, programme, target)


def options_mapping_set(spec_class: type[ImportSpec], programme, *, columns=(), values=()) -> MappingSet:
    mappings = MappingSet()
    for option in columns:
        column, header = parse_column_option(spec_class, option)
        mappings.columns[header_key(header)] = column.field
    for option in values:
        column, value, target = parse_value_option(spec_class, programme, option)
        mappings.values.setdefault(column.field, {})[normalize_key(value)] = target
    return mappings


# Saving ------------------------------------------------------------------------------------------------


@transaction.atomic
def mapping_column_save(*, programme, kind: str, header: str, field_name: str, user=None) -> ImportMapping:
    """Remember that `header` holds `field_name` (one field per header)."""
    key = header_key(header)
    mapping, _created = ImportMapping.objects.update_or_create(
        programme=programme,
        kind=kind,
        mapping_type=MappingType.COLUMN,
        source_key=key,
        defaults={"field": field_name, "source": parse_text(header)[:300], "target": "", "created_by": user},
    )
    return mapping


@transaction.atomic
def mapping_value_save(
    *, programme, kind: str, field_name: str, value: str, target: str, user=None
) -> ImportMapping:
    mapping, _created = ImportMapping.objects.update_or_create(
        programme=programme,
        kind=kind,
        mapping_type=MappingType.VALUE,
        field=field_name,
        source_key=normalize_key(value),
        defaults={"source": parse_text(value)[:300], "target": target, "created_by": user},
    )
    return mapping


@transaction.atomic
def mappings_save(
    *,
    programme,
    kind: str,
    columns: Iterable[tuple[str, str]] = (),
    values: Iterable[tuple[str, str, str]] = (),
    user=None,
) -> int:
    """Save many mappings at once: columns as (header, field), values as (field, value, target).

    A header maps to one field; a value of a field to one target: saving again replaces. A field whose
    values are data of the programme with their own other spellings (GUSP themes) keeps the value there
    (its lookup's `keep(programme, value, target)` answers True) rather than as a mapping."""
    values = list(values)
    kept = [item for item in values if _kept_by_lookup(programme, kind, *item)]
    values = [item for item in values if item not in kept]
    existing = {
        (
            mapping.mapping_type,
            mapping.field if mapping.mapping_type == MappingType.VALUE else "",
            mapping.source_key,
        ): mapping
        for mapping in ImportMapping.objects.filter(programme=programme, kind=kind)
    }
    wanted = [
        (MappingType.COLUMN, "", header_key(header), header, {"field": name, "target": ""})
        for header, name in columns
    ] + [
        (MappingType.VALUE, name, normalize_key(value), value, {"field": name, "target": target})
        for name, value, target in values
    ]
    created: dict[tuple, Any] = {}
    changed: dict[int, Any] = {}
    for mapping_type, name, key, source, fields in wanted:
        mapping = existing.get((mapping_type, name, key)) or created.get((mapping_type, name, key))
        if mapping is None:
            mapping = ImportMapping(
                programme=programme, kind=kind, mapping_type=mapping_type, source_key=key, created_by=user
            )
            created[(mapping_type, name, key)] = mapping
        elif mapping.pk:
            changed[mapping.pk] = mapping
            mapping.updated_at = timezone.now()
        mapping.source = parse_text(source)[:300]
        mapping.field, mapping.target = fields["field"], fields["target"]
    ImportMapping.objects.bulk_create(created.values())
    if changed:
        ImportMapping.objects.bulk_update(changed.values(), ["source", "field", "target", "updated_at"])
    return len(created) + len(changed) + len(kept)


def _kept_by_lookup(programme, kind: str, field_name: str, value: str, target: str) -> bool:
    spec_class = import_specs().get(kind)
    column = spec_class.column(field_name) if spec_class else None
    keep = getattr(column.lookup, "keep", None) if column else None
    return bool(keep and keep(programme, value, target))


def mapping_set_save(*, programme, kind: str, mappings: MappingSet, sources: dict, user=None) -> int:
    """Save the mappings given on the command line; `sources` keeps the texts as typed (key → text)."""
    return mappings_save(
        programme=programme,
        kind=kind,
        columns=[(sources.get(key, key), name) for key, name in mappings.columns.items()],
        values=[
            (name, sources.get(key, key), target)
            for name, table in mappings.values.items()
            for key, target in table.items()
        ],
        user=user,
    )


def mapping_update(*, mapping: ImportMapping, spec_class: type[ImportSpec], target: str) -> ImportMapping:
    """Change what a mapping points to: the field of a column mapping, the target of a value mapping."""
    if mapping.mapping_type == MappingType.COLUMN:
        mapping.field = column_named(spec_class, target).field
    else:
        column = mappable_column(spec_class, mapping.field)
        mapping.target = checked_target(column, mapping.programme, target)
    mapping.full_clean()
    mapping.save()
    return mapping


def mapping_delete(*, mapping: ImportMapping) -> None:
    mapping.delete()


# The preview's panels -------------------------------------------------------------------------------


def field_choices(spec_class) -> list[tuple[str, str]]:
    """The fields an unknown column may hold, the required ones marked."""
    return [
        (column.field, f"{column.label} (obligatoire)" if column.required else str(column.label))
        for column in spec_class.columns
        if not column.hidden
    ]


def target_choices(column, programme) -> list[tuple[str, str]]:
    return [
        (code, label if code == label else f"{code} — {label}")
        for code, label in column.lookup.targets(programme)
    ]


def mapping_forms(record, spec_class) -> dict:
    """The preview's mapping panels: each unknown column and value, with its choices and suggestion."""
    summary = record.summary or {}
    columns = [
        {"name": f"colonne-{index}", **item}
        for index, item in enumerate(summary.get("unknown_columns") or [])
    ]
    values = []
    for group in summary.get("unknown_values") or []:
        column = next((c for c in spec_class.columns if c.field == group["field"]), None)
        if column is None or column.lookup is None:
            continue
        values.append(
            {
                **group,
                "target_what": column.lookup.target_what,
                "choices": target_choices(column, record.programme),
                "items": [
                    {"name": f"valeur-{group['field']}-{index}", **item}
                    for index, item in enumerate(group["values"])
                ],
            }
        )
    return {
        "unknown_columns": columns,
        "missing_columns": summary.get("missing_columns") or [],
        "unknown_values": values,
        "field_choices": field_choices(spec_class),
    }
