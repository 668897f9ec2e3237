from django.contrib import admin

from core.models import ImportMapping


@admin.register(ImportMapping)
class ImportMappingAdmin(admin.ModelAdmin):
    list_display = ("programme", "kind", "mapping_type", "field", "source", "target", "updated_at")
    list_filter = ("programme", "kind", "mapping_type")
    search_fields = ("source", "target", "field")
    readonly_fields = ("source_key", "created_by", "updated_at")

    def save_model(self, request, obj, form, change):
        from core.imports import header_key
        from core.parsing import normalize_key

        obj.source_key = (
            header_key(obj.source) if obj.mapping_type == "colonne" else normalize_key(obj.source)
        )
        super().save_model(request, obj, form, change)
