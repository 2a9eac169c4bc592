from django.apps import AppConfig


class TrackerConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tracker"
    verbose_name = "Wellness tracker"

    def ready(self):
        # Signal receivers: the session clock, the language at log-in, sign-ins, the security audit
        # trail, the notes' rotation copy.
        from tracker.accounts import language, sessions, sign_ins  # noqa: F401
        from tracker.audit import signals  # noqa: F401
        from tracker.education import notes  # noqa: F401
