"""Reference data of the relogement domain. Households, offers and rehousings are personal data: they
are read and changed only through the application's pages, which check the grant and write the access
log, never through the admin."""

from django.contrib import admin

from relogement.models import IndemnityRate, RelogementPlan


@admin.register(RelogementPlan)
class RelogementPlanAdmin(admin.ModelAdmin):
    list_display = ["operation", "mous", "households_planned", "target_new_share", "target_outside_qpv_share"]
    list_select_related = ["operation", "mous"]
    autocomplete_fields = ["mous"]
    search_fields = ["operation__identifier", "operation__label"]


@admin.register(IndemnityRate)
class IndemnityRateAdmin(admin.ModelAdmin):
    list_display = ["typology_group", "zone", "amount", "valid_from"]
    list_filter = ["typology_group"]
