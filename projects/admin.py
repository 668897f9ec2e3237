from django.contrib import admin

from projects.models import (
    Amendment,
    Convention,
    Document,
    FundingLine,
    Milestone,
    Operation,
    Programme,
    Qpv,
    Sector,
)


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "anru_reference"]
    search_fields = ["name", "slug", "anru_reference"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["organisations"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "qpv_code_2015", "qpv_code_2024", "interest", "population"]
    list_filter = ["programme", "interest"]
    search_fields = ["name", "qpv_code_2015", "qpv_code_2024"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Qpv)
class QpvAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class AmendmentInline(admin.TabularInline):
    model = Amendment
    extra = 0


@admin.register(Convention)
class ConventionAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "kind", "signed_on"]
    list_filter = ["programme", "kind"]
    inlines = [AmendmentInline]


class FundingLineInline(admin.TabularInline):
    model = FundingLine
    extra = 0
    autocomplete_fields = ["funder"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Operation)
class OperationAdmin(admin.ModelAdmin):
    list_display = ["identifier", "label", "programme", "sector", "family", "moa", "status", "at_risk"]
    list_filter = ["programme", "status", "family", "at_risk"]
    search_fields = ["identifier", "label"]
    autocomplete_fields = ["moa", "sector"]
    list_select_related = ["programme", "sector", "moa"]
    inlines = [FundingLineInline, MilestoneInline]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "confidentiality", "uploaded_by", "uploaded_at"]
    list_filter = ["programme", "confidentiality"]
    search_fields = ["title"]
    raw_id_fields = ["uploaded_by", "sector"]
