"""Staff administration of accounts, clinics and reminder deliveries.

Check-ins are deliberately not registered: staff do not browse patients'
health values here. Reminder deliveries show only who, which week, and what
happened to the email.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from tracker.models import Clinic, Enrolment, ReminderDelivery, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "role", "is_active", "is_staff", "date_joined"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["email", "first_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["first_name", "role", "time_zone", "email_verified_at"]}),
        ("Weekly reminder", {"fields": ["reminders_enabled", "reminder_weekday", "reminder_hour"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "role", "time_zone", "password1", "password2"]}),
    ]


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0
    fields = ["patient", "joined_at", "left_at"]
    raw_id_fields = ["patient"]


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    filter_horizontal = ["clinicians"]
    inlines = [EnrolmentInline]


@admin.register(ReminderDelivery)
class ReminderDeliveryAdmin(admin.ModelAdmin):
    """Read-only: deliveries are written by the senders; staff look for failures here."""

    list_display = ["patient", "iso_year", "iso_week", "status", "attempts", "last_error", "due_at", "sent_at"]
    list_filter = ["status", "iso_year", "iso_week"]
    search_fields = ["patient__email"]
    list_select_related = ["patient"]
    date_hierarchy = "due_at"
    fields = [
        "patient",
        "iso_year",
        "iso_week",
        "status",
        "attempts",
        "last_error",
        "due_at",
        "expires_at",
        "claimed_until",
        "sent_at",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
