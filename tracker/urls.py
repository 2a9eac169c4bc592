from django.contrib.auth import views as auth_views
from django.urls import path, register_converter

from tracker.accounts import activity_views as activity
from tracker.accounts import language
from tracker.accounts import session_views as signed_in
from tracker.accounts import twofactor_views as security
from tracker.accounts import views as account
from tracker.checkins import dashboard_views as dashboard
from tracker.checkins import insight_views as insight
from tracker.checkins import pause_views as pausing
from tracker.checkins import views as patient
from tracker.clinics import join_code_views as join_codes
from tracker.clinics import membership_views as membership
from tracker.clinics import views as clinician
from tracker.core.converters import IsoDateConverter
from tracker.education import views as learn
from tracker.privacy import views as data
from tracker.pwa import views as pwa
from tracker.reminders import push_views
from tracker.reminders import views as reminders

register_converter(IsoDateConverter, "isodate")

urlpatterns = [
    path("", account.home, name="home"),
    # The installable app: its worker at the root scope, its manifest, icon and offline pages.
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("favicon.ico", pwa.favicon, name="favicon"),
    path("offline/", pwa.offline, name="offline"),
    path("today/offline-form/", pwa.offline_form, name="offline_form"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("today/", patient.today, name="today"),
    path("checkin/<isodate:day>/", patient.checkin_day, name="checkin_day"),
    path("checkin/<isodate:day>/saved/", patient.checkin_saved, name="checkin_saved"),
    path("checkin/sync/", patient.checkin_sync, name="checkin_sync"),
    path("history/", patient.history, name="history"),
    path("patterns/", insight.patterns, name="patterns"),
    path("summary/", insight.summary, name="summary"),
    path("pauses/", pausing.pauses, name="pauses"),
    path("pauses/<int:pause_id>/end/", pausing.pause_end, name="pause_end"),
    path("pauses/<int:pause_id>/remove/", pausing.pause_delete, name="pause_remove"),
    path("settings/", account.account_settings, name="settings"),
    path("settings/sessions/", signed_in.signed_in_list, name="signed_in"),
    path("settings/sessions/sign-out-everywhere/", signed_in.sign_out_everywhere, name="sign_out_everywhere"),
    path("settings/sessions/<int:session_id>/end/", signed_in.end_session, name="end_session"),
    path("settings/activity/", activity.account_activity, name="account_activity"),
    path("settings/data/", data.my_data, name="my_data"),
    path("settings/data/export.json", data.export_json, name="export_json"),
    path("settings/data/export-csv.zip", data.export_csv, name="export_csv"),
    path("settings/data/export-fhir.json", data.export_fhir, name="export_fhir"),
    path("settings/data/delete/", data.delete_account, name="delete_account"),
    path("settings/push/subscribe/", push_views.subscribe, name="push_subscribe"),
    path("settings/push/unsubscribe/", push_views.unsubscribe, name="push_unsubscribe"),
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
    path(
        "clinician/clinics/<int:clinic_id>/invitations/<int:invitation_id>/withdraw/",
        clinician.clinic_invitation_withdraw,
        name="clinic_invitation_withdraw",
    ),
    path("clinician/clinics/<int:clinic_id>/join-codes/", join_codes.join_codes, name="clinic_join_codes"),
    path(
        "clinician/clinics/<int:clinic_id>/join-codes/withdraw/",
        join_codes.join_codes_withdraw_view,
        name="clinic_join_codes_withdraw",
    ),
    path(
        "clinician/clinics/<int:clinic_id>/join-codes/<uuid:batch>/",
        join_codes.join_codes_handout,
        name="clinic_join_codes_handout",
    ),
    path("clinician/invitations/<str:token>/", membership.clinician_invitation, name="clinician_invitation"),
    path("join/", membership.join_with_code, name="join_with_code"),
    path("join/<str:code>/", membership.join, name="join"),
    path("clinics/<int:clinic_id>/leave/", membership.leave, name="leave_clinic"),
    # Accounts: sign-up is ours; the rest are Django's own flows, styled.
    path("accounts/signup/", account.signup, name="signup"),
    path("accounts/signup/sent/", account.signup_sent, name="signup_sent"),
    path("accounts/login/", account.RememberingLoginView.as_view(), name="login"),
    path("accounts/logout/", account.StorageClearingLogoutView.as_view(), name="logout"),
    path("accounts/confirm-password/", account.password_confirm, name="password_confirm"),
    path("accounts/password/change/", account.AuditedPasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/password/reset/", account.PasswordResetRequestView.as_view(), name="password_reset"),
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
