from django.contrib import admin

from core.richtext import sanitize_html
from governance.models import (
    Action,
    ActionReminder,
    AgendaItem,
    Attendance,
    Body,
    Decision,
    Feedback,
    Meeting,
    PublicEvent,
)


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "kind", "chair", "periodicity_months", "is_active"]
    list_filter = ["programme", "kind", "is_active"]
    search_fields = ["name"]
    filter_horizontal = ["sectors", "members"]
    autocomplete_fields = ["chair"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    raw_id_fields = ["operation"]
    autocomplete_fields = ["presenter"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ["organisation"]


class DecisionInline(admin.StackedInline):
    model = Decision
    extra = 0
    raw_id_fields = ["operation"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "body", "starts_at", "status", "place"]
    list_filter = ["status", "body__programme", "body__kind"]
    search_fields = ["body__name", "place"]
    date_hierarchy = "starts_at"
    inlines = [AgendaItemInline, AttendanceInline, DecisionInline]

    def save_model(self, request, obj, form, change):
        obj.minutes = sanitize_html(obj.minutes)  # the admin bypasses meeting_update, not the sanitiser
        super().save_model(request, obj, form, change)


class ActionReminderInline(admin.TabularInline):
    model = ActionReminder
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "due_on", "sent_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "owner_organisation", "due_on", "status", "sector"]
    list_filter = ["programme", "status"]
    search_fields = ["title", "owner_name"]
    date_hierarchy = "due_on"
    raw_id_fields = ["operation", "meeting", "decision", "owner_user"]
    autocomplete_fields = ["owner_organisation"]
    inlines = [ActionReminderInline]


@admin.register(PublicEvent)
class PublicEventAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "kind", "theme", "sector", "held_on", "residents"]
    list_filter = ["programme", "kind", "theme"]
    search_fields = ["title"]
    date_hierarchy = "held_on"

    def save_model(self, request, obj, form, change):
        obj.summary = sanitize_html(obj.summary)
        super().save_model(request, obj, form, change)


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["__str__", "programme", "theme", "sector", "received_on", "status"]
    list_filter = ["programme", "status", "theme"]
    search_fields = ["text", "answer"]
    date_hierarchy = "received_on"
    raw_id_fields = ["event", "action"]
