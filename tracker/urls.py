from django.contrib.auth import views as auth_views
from django.urls import path, register_converter

from tracker.accounts import language
from tracker.accounts import twofactor_views as security
from tracker.accounts import views as account
from tracker.accounts.forms import EmailAuthenticationForm
from tracker.checkins import dashboard_views as dashboard
from tracker.checkins import insight_views as insight
from tracker.checkins import pause_views as pausing
from tracker.checkins import views as patient
from tracker.clinics import membership_views as membership
from tracker.clinics import views as clinician
from tracker.core.converters import IsoDateConverter
from tracker.education import views as learn
from tracker.privacy import views as data
from tracker.reminders import views as reminders

register_converter(IsoDateConverter, "isodate")

urlpatterns = [
    path("", account.home, name="home"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("today/", patient.today, name="today"),
    path("checkin/<isodate:day>/", patient.checkin_day, name="checkin_day"),
    path("history/", patient.history, name="history"),
    path("patterns/", insight.patterns, name="patterns"),
    path("summary/", insight.summary, name="summary"),
    path("pauses/", pausing.pauses, name="pauses"),
    path("pauses/<int:pause_id>/end/", pausing.pause_end, name="pause_end"),
    path("pauses/<int:pause_id>/remove/", pausing.pause_delete, name="pause_remove"),
    path("settings/", account.account_settings, name="settings"),
    path("settings/data/", data.my_data, name="my_data"),
    path("settings/data/export.json", data.export_json, name="export_json"),
    path("settings/data/export-csv.zip", data.export_csv, name="export_csv"),
    path("settings/data/export-fhir.json", data.export_fhir, name="export_fhir"),
    path("settings/data/delete/", data.delete_account, name="delete_account"),
    path("settings/verify-email/", account.resend_verification, name="resend_verification"),
    # The language switch: where django.conf.urls.i18n would put Django's set_language, which it wraps.
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("accounts/verify-email/<str:token>/", account.verify_email, name="verify_email"),
    path("reminders/unsubscribe/<str:token>/", reminders.unsubscribe, name="reminders_unsubscribe"),
    path("clinician/", clinician.clinician_home, name="clinician_home"),
    path("learn/", learn.learn_index, name="learn"),
    path("learn/references/", learn.learn_references, name="learn_references"),
    path("learn/<slug:slug>/", learn.learn_note, name="learn_note"),
    path("clinician/clinics/<int:clinic_id>/", clinician.clinic_dashboard, name="clinic_dashboard"),
    path(
        "clinician/clinics/<int:clinic_id>/engagement.csv", clinician.clinic_dashboard_csv, name="clinic_dashboard_csv"
    ),
    path("clinician/clinics/<int:clinic_id>/invite/", clinician.clinic_invite, name="clinic_invite"),
    path("clinician/invitations/<str:token>/", membership.clinician_invitation, name="clinician_invitation"),
    path("join/", membership.join_with_code, name="join_with_code"),
    path("join/<str:code>/", membership.join, name="join"),
    path("clinics/<int:clinic_id>/leave/", membership.leave, name="leave_clinic"),
    # Accounts: sign-up is ours; the rest are Django's own flows, styled.
    path("accounts/signup/", account.signup, name="signup"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/change/", account.AuditedPasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        account.AuditedPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/two-factor/", security.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", security.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/disable/", security.two_factor_disable, name="two_factor_disable"),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
