from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import Membership, Organisation, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation", "programme"]
    filter_horizontal = ["sectors"]
    fields = [
        "programme",
        "organisation",
        "role",
        "referent_domain",
        "personal_data_relogement",
        "personal_data_insertion",
        "is_active",
    ]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "memberships__programme", "memberships__role"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Identité", {"fields": ("first_name", "last_name")}),
        ("Droits", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "siren"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "siren"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "programme",
        "organisation",
        "role",
        "referent_domain",
        "personal_data_relogement",
        "personal_data_insertion",
        "is_active",
    ]
    list_filter = ["programme", "role", "is_active", "personal_data_relogement", "personal_data_insertion"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation", "programme"]
    filter_horizontal = ["sectors"]
    list_select_related = ["user", "programme", "organisation"]
