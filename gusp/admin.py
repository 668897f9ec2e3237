"""Reference data of GUSP in the admin: themes (default handler, target delay and its handlers' own
delays, other spellings), conventions with their commitments, the landlords' TFPB abatements, and the
weekly digests sent (read only). Reports change through the
application's services (lifecycle, history), never here."""

from django.contrib import admin

from gusp.models import Commitment, GuspConvention, TfpbAbatement, Theme, ThemeHandlerDelay, WeeklyDigest


class ThemeHandlerDelayInline(admin.TabularInline):
    model = ThemeHandlerDelay
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "default_handler", "target_days", "order"]
    list_filter = ["programme"]
    list_select_related = ["programme", "default_handler"]
    autocomplete_fields = ["default_handler"]
    search_fields = ["name", "slug"]
    inlines = [ThemeHandlerDelayInline]


class CommitmentInline(admin.TabularInline):
    model = Commitment
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(GuspConvention)
class GuspConventionAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "starts_on", "ends_on", "is_management_project"]
    list_filter = ["programme", "is_management_project"]
    list_select_related = ["programme"]
    autocomplete_fields = ["signatories"]
    filter_horizontal = ["sectors"]
    inlines = [CommitmentInline]


@admin.register(TfpbAbatement)
class TfpbAbatementAdmin(admin.ModelAdmin):
    list_display = ["landlord", "year", "sector", "amount", "programme"]
    list_filter = ["programme", "year"]
    list_select_related = ["landlord", "sector", "programme"]
    autocomplete_fields = ["landlord"]
    search_fields = ["landlord__name"]


@admin.register(WeeklyDigest)
class WeeklyDigestAdmin(admin.ModelAdmin):
    list_display = [
        "week",
        "organisation",
        "programme",
        "status",
        "recipients",
        "open_reports",
        "late_reports",
    ]
    list_filter = ["status", "programme"]
    list_select_related = ["organisation", "programme"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
