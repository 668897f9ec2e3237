from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import Membership, Organisation, User
from core import personal_data


class MembershipForm(forms.ModelForm):
    """The personal-data grants as one box per registered domain."""

    personal_data_domains = forms.MultipleChoiceField(
        label="Habilitations aux données personnelles",
        choices=personal_data.domain_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=Membership._meta.get_field("personal_data_domains").help_text,
    )

    class Meta:
        model = Membership
        fields = ["personal_data_domains"]  # the admin adds the others


class PersonalDataFilter(admin.SimpleListFilter):
    title = "habilitation aux données personnelles"
    parameter_name = "donnees_personnelles"

    def lookups(self, request, model_admin):
        return personal_data.domain_choices()

    def queryset(self, request, queryset):
        if self.value():
            return queryset.granted(self.value())
        return queryset


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipForm
    extra = 0
    autocomplete_fields = ["organisation", "programme"]
    filter_horizontal = ["sectors"]
    fields = [
        "programme",
        "organisation",
        "role",
        "referent_domain",
        "personal_data_domains",
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
    form = MembershipForm
    list_display = [
        "user",
        "programme",
        "organisation",
        "role",
        "referent_domain",
        "grants",
        "is_active",
    ]
    list_filter = ["programme", "role", "is_active", PersonalDataFilter]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation", "programme"]
    filter_horizontal = ["sectors"]
    list_select_related = ["user", "programme", "organisation"]

    @admin.display(description="données personnelles")
    def grants(self, membership: Membership) -> str:
        labels = dict(personal_data.domain_choices())
        return ", ".join(labels.get(key, key) for key in membership.personal_data_domains) or "—"


# allauth's admin shows (and edits) an authenticator's data: the TOTP secret in clear. With it and a
# password set in the admin, a superuser could pass a granted person's second factor. Ours lists the
# authenticators and lets an administrator delete one (a lost phone: the person sets up a new one at
# the next login), never showing their data.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type", "created_at", "last_used_at")
    search_fields = ("user__email",)
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False
