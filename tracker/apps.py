from django.apps import AppConfig


class TrackerConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tracker"
    verbose_name = "Wellness tracker"

    def ready(self):
        # Signal receivers: the session clock and the security audit trail.
        from tracker import security_audit, sessions  # noqa: F401
