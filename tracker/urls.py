from django.contrib.auth import views as auth_views
from django.urls import path, register_converter

from tracker.converters import IsoDateConverter
from tracker.forms import EmailAuthenticationForm
from tracker.views import account, clinician, patient, reminders

register_converter(IsoDateConverter, "isodate")

urlpatterns = [
    path("", account.home, name="home"),
    path("today/", patient.today, name="today"),
    path("checkin/<isodate:day>/", patient.checkin_day, name="checkin_day"),
    path("history/", patient.history, name="history"),
    path("settings/", account.account_settings, name="settings"),
    path("settings/verify-email/", account.resend_verification, name="resend_verification"),
    path("accounts/verify-email/<str:token>/", account.verify_email, name="verify_email"),
    path("reminders/unsubscribe/<str:token>/", reminders.unsubscribe, name="reminders_unsubscribe"),
    path("clinician/", clinician.clinician_home, name="clinician_home"),
    # Accounts: sign-up is ours; the rest are Django's own flows, styled.
    path("accounts/signup/", account.signup, name="signup"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
