"""Staff administration of accounts, clinics, reminder deliveries and the educational notes.

Staff create clinics and choose their clinicians (and which of them are admin
clinicians). Enrolments are shown read-only: patients join and leave
themselves. Individual check-ins are visible only to superusers who were
explicitly granted `view_individual_checkins`, and every look is audited. The
audit log itself is read-only, for superusers only. NoteOpened (which patient
opened which note) is not registered. Reminder deliveries show only who, which
week, and what happened to the email; push devices and pushes likewise, without the
device's keys or its push address (a capability: whoever has it can push to the device).
"""

from urllib.parse import urlsplit

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Permission
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from tracker.audit.services import audit_record
from tracker.content.load import TRANSLATION_FIELDS
from tracker.models import (
    AuditEvent,
    CheckIn,
    Citation,
    Clinic,
    ClinicianInvitation,
    ClinicMembership,
    Enrolment,
    JoinCode,
    Note,
    NoteCitation,
    NoteTranslation,
    NoteViewDay,
    PushDelivery,
    PushSubscription,
    ReminderDelivery,
    User,
)

CHECKIN_PERMISSION = "view_individual_checkins"


class ReadOnlyMixin:
    """Written only by the app: nobody adds, changes or deletes these in the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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


class MembershipInline(admin.TabularInline):
    model = ClinicMembership
    extra = 1
    fields = ["clinician", "is_admin", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["clinician"]


class EnrolmentInline(ReadOnlyMixin, admin.TabularInline):
    """Read-only: joining and leaving are the patient's own decisions."""

    model = Enrolment
    extra = 0
    fields = ["patient", "joined_at", "left_at"]
    readonly_fields = fields


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    fields = ["name", "created_at"]
    inlines = [MembershipInline, EnrolmentInline]


@admin.register(ClinicianInvitation)
class ClinicianInvitationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Clinician invitations admin clinicians sent. Staff can withdraw pending ones."""

    list_display = ["email", "clinic", "invited_by", "created_at", "expires_at", "used_at", "withdrawn_at"]
    list_filter = ["clinic"]
    search_fields = ["email"]
    fields = list_display + ["used_by", "withdrawn_by"]
    readonly_fields = fields
    actions = ["withdraw"]

    @admin.action(description=gettext_lazy("Withdraw the selected pending invitations"))
    def withdraw(self, request, queryset):
        now = timezone.now()
        for invitation in queryset.filter(ClinicianInvitation.usable(now)):
            ClinicianInvitation.objects.filter(pk=invitation.pk).filter(ClinicianInvitation.usable(now)).update(
                withdrawn_at=now, withdrawn_by=request.user
            )
            audit_record(
                actor=request.user,
                action=AuditEvent.Action.CLINICIAN_INVITATION_WITHDRAWN,
                clinic=invitation.clinic,
                invitation=invitation.pk,
            )
        self.message_user(request, gettext("Withdrew the pending invitations among those selected."), messages.SUCCESS)


@admin.register(JoinCode)
class JoinCodeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Patients' join codes, issued by the clinics' clinicians. Staff can withdraw unused ones."""

    list_display = ["code", "clinic", "created_by", "created_at", "expires_at", "used_at", "withdrawn_at"]
    list_filter = ["clinic"]
    search_fields = ["code"]
    fields = ["code", "clinic", "batch", "created_by", "created_at", "expires_at", "used_at", "withdrawn_at"]
    readonly_fields = fields
    actions = ["withdraw"]

    @admin.action(description=gettext_lazy("Withdraw the selected unused codes"))
    def withdraw(self, request, queryset):
        withdrawn = queryset.filter(used_at__isnull=True, withdrawn_at__isnull=True).update(withdrawn_at=timezone.now())
        if withdrawn:
            audit_record(actor=request.user, action=AuditEvent.Action.JOIN_CODES_WITHDRAWN, count=withdrawn)
        done = ngettext("Withdrew %(count)s unused code.", "Withdrew %(count)s unused codes.", withdrawn)
        self.message_user(request, done % {"count": withdrawn}, messages.SUCCESS)


def may_view_individual_checkins(user) -> bool:
    """A superuser who was explicitly granted the permission.

    user.has_perm() is always True for superusers, so the grant is looked up
    directly: being a superuser is not enough on its own.
    """
    if not (user.is_active and user.is_superuser):
        return False
    return (
        Permission.objects.filter(codename=CHECKIN_PERMISSION, content_type__app_label="tracker")
        .filter(Q(user=user) | Q(group__user=user))
        .exists()
    )


@admin.register(CheckIn)
class CheckInAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read-only, break-glass access to individual check-ins. Every look is audited."""

    list_display = ["id", "patient", "day", "created_at"]
    list_filter = []
    date_hierarchy = None
    raw_id_fields = ["patient"]

    def has_module_permission(self, request):
        return may_view_individual_checkins(request.user)

    def has_view_permission(self, request, obj=None):
        return may_view_individual_checkins(request.user)

    def changelist_view(self, request, extra_context=None):
        if self.has_view_permission(request):
            page = request.GET.get("p", "0")
            audit_record(actor=request.user, action=AuditEvent.Action.CHECKINS_LISTED, page=page[:10])
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self.has_view_permission(request):
            audit_record(actor=request.user, action=AuditEvent.Action.CHECKIN_VIEWED, checkin=str(object_id)[:20])
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The audit log: superusers may read it; nobody may change it."""

    list_display = ["at", "action", "actor_ref", "actor", "clinic_ref", "clinic"]
    list_filter = ["action"]
    fields = ["at", "action", "actor", "actor_ref", "clinic", "clinic_ref", "metadata"]
    readonly_fields = fields

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ["key", "year", "title", "container", "unconfirmed"]
    list_filter = ["kind"]
    search_fields = ["key", "title", "container", "doi"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["key", "kind", "authors", "year", "date_detail", "title", "container"]}),
        ("Locators", {"fields": ["volume", "issue", "pages", "article_number", "doi", "url", "pmid", "retrieved"]}),
        ("Verification", {"fields": ["unconfirmed", "source_note", "supports"]}),
    ]


class NoteCitationInline(admin.TabularInline):
    model = NoteCitation
    extra = 0
    fields = ["position", "citation"]
    autocomplete_fields = ["citation"]
    ordering = ["position", "id"]


class NoteTranslationInline(admin.StackedInline):
    """A note's translations: shown to readers in their language only while `translated from
    reviewed on` equals the note's `last reviewed` (tracker/models/education.py)."""

    model = NoteTranslation
    extra = 0
    fields = ["language", *TRANSLATION_FIELDS]


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["title", "factor", "last_reviewed", "reviewed_by"]
    list_filter = ["factor"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [NoteCitationInline, NoteTranslationInline]


@admin.register(NoteViewDay)
class NoteViewDayAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Counts are written only by page views: read-only here."""

    list_display = ["day", "note", "views"]
    list_filter = ["note"]
    date_hierarchy = "day"


@admin.register(ReminderDelivery)
class ReminderDeliveryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read-only: deliveries are written by the senders; staff look for failures here."""

    list_display = [
        *("patient", "kind", "period_start", "variant", "status"),
        *("attempts", "last_error", "due_at", "sent_at"),
    ]
    list_filter = ["status", "kind", "variant", "iso_year", "iso_week"]
    search_fields = ["patient__email"]
    list_select_related = ["patient"]
    date_hierarchy = "due_at"
    fields = [
        "patient",
        "kind",
        "period_start",
        "iso_year",
        "iso_week",
        "variant",
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


def _push_service(subscription: PushSubscription) -> str:
    """The push service's host alone: the whole endpoint would let anyone push to the device."""
    return urlsplit(subscription.endpoint).hostname or ""


@admin.register(PushSubscription)
class PushSubscriptionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read-only: the devices patients turned push reminders on for. Never the keys or endpoint."""

    list_display = ["user", "push_service", "created_at", "last_success_at"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    fields = ["user", "push_service", "created_at", "last_success_at"]
    readonly_fields = fields

    @admin.display(description="push service")
    def push_service(self, obj):
        return _push_service(obj)


@admin.register(PushDelivery)
class PushDeliveryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read-only: each reminder's push to each device; staff look for failures here."""

    list_display = ["patient", "week", "push_service", "status", "attempts", "last_error", "sent_at"]
    list_filter = ["status"]
    search_fields = ["delivery__patient__email"]
    list_select_related = ["delivery__patient", "subscription"]
    fields = [
        "patient",
        "week",
        "push_service",
        "status",
        "attempts",
        "last_error",
        "expires_at",
        "claimed_until",
        "sent_at",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields

    @admin.display(description="patient", ordering="delivery__patient__email")
    def patient(self, obj):
        return obj.delivery.patient

    @admin.display(description="week")
    def week(self, obj):
        return f"{obj.delivery.iso_year}-W{obj.delivery.iso_week:02d}"

    @admin.display(description="push service")
    def push_service(self, obj):
        return _push_service(obj.subscription)
