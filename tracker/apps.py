from django.apps import AppConfig


class TrackerConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tracker"
    verbose_name = "Wellness tracker"

    def ready(self):
        # Signal receivers: the session clock, the security audit trail, the notes' rotation copy.
        from tracker import education, security_audit, sessions  # noqa: F401
