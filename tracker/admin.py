"""Staff administration of accounts, clinics and the educational notes.

Check-ins are deliberately not registered: staff do not browse patients'
health values here. Nor is NoteOpened (which patient opened which note).
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models

from tracker.models import Citation, Clinic, Enrolment, Note, NoteCitation, NoteViewDay, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "role", "is_active", "is_staff", "date_joined"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["email", "first_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["first_name", "role", "time_zone"]}),
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


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ["key", "year", "title", "container", "unconfirmed"]
    list_filter = ["kind"]
    search_fields = ["key", "title", "container", "doi"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["key", "kind", "authors", "year", "date_detail", "title", "container"]}),
        ("Locators", {"fields": ["volume", "issue", "pages", "article_number", "doi", "url", "pmid"]}),
        ("Verification", {"fields": ["unconfirmed", "source_note", "supports"]}),
    ]


class NoteCitationInline(admin.TabularInline):
    model = NoteCitation
    extra = 0
    fields = ["position", "citation"]
    autocomplete_fields = ["citation"]
    ordering = ["position", "id"]


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["title", "factor", "last_reviewed", "reviewed_by"]
    list_filter = ["factor"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [NoteCitationInline]


@admin.register(NoteViewDay)
class NoteViewDayAdmin(admin.ModelAdmin):
    """Counts are written only by page views: read-only here."""

    list_display = ["day", "note", "views"]
    list_filter = ["note"]
    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
