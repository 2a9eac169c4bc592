"""Settings for the wellness tracker.

Every value that differs between a laptop and production comes from an
environment variable; docs/configuration.md lists them all. Local
defaults are safe and need no services: SQLite, emails written to files, and
Celery tasks run in-process. With DJANGO_DEBUG=0 the secret key and allowed
hosts must be given, or start-up stops.
"""

import datetime as dt
import zoneinfo
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from wellness.env import env_bool, env_int, env_list, env_str
from wellness.vapid import vapid_problem

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=True)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0.")
    # Only ever used with DEBUG on, on a developer's machine.
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if not DEBUG else "127.0.0.1,localhost,testserver")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the site's host names when DJANGO_DEBUG=0.")

SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", SITE_URL)

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
THIRD_PARTY_APPS = [
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "crispy_forms",
    "crispy_bootstrap5",
]
LOCAL_APPS = [
    "tracker",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "wellness.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files with hashed names and compression, straight from the web process.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed (static files come compressed from WhiteNoise, above): Today is 21 KB of HTML
    # and 4 KB gzipped (docs/checkin.md, page weight). Django pads each gzipped response with a
    # random length against BREACH, and masks the CSRF token on every response.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of the page: the language cookie, else the browser's Accept-Language.
    # After the session (as Django asks), before CommonMiddleware.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tracker.accounts.middleware.UserTimezoneMiddleware",
    # A logged-in user's own language wins over the cookie and the browser (tracker/accounts/language.py).
    "tracker.accounts.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tracker.accounts.sessions.SessionTimeoutMiddleware",
    "tracker.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "tracker.privacy.middleware.NoStoreMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# --- Security headers -------------------------------------------------------
# A strict Content Security Policy: everything from this site, no inline script
# or style, no plugins, no framing. data: images are Bootstrap's CSS icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# HTTPS: on in production. DJANGO_HTTPS=0 is only for a production-like run on
# a laptop over plain http (make serve-prod); `check --deploy` warns about it.
HTTPS = env_bool("DJANGO_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$"]  # load balancers probe over plain http
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0  # one year
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", default=not DEBUG)
if BEHIND_PROXY:
    # The proxy terminates TLS and says so in X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front of the app append the client's address to X-Forwarded-For: the
# lockout and the email throttles read the client from there (tracker/core/client.py).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if BEHIND_PROXY else 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT must be 0 or more; got {TRUSTED_PROXY_COUNT}.")

ROOT_URLCONF = "wellness.urls"
WSGI_APPLICATION = "wellness.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        # A persistent connection is checked before a request reuses it, so a database
        # failover or restart costs only the requests in flight at that moment, not a 500
        # for the first request of every process afterwards.
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and sessions: in Redis when REDIS_URL is set (sessions also written to
# the database, so a Redis restart logs nobody out), the database otherwise.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "wellness.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_USER_MODEL = "tracker.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    # Refuses logins while an account/address pair is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Brute force: 5 failed logins for one email from one address lock that pair
# out for a cool-off period (not forever). The message is the same whether or
# not the account exists.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # the login form's field; the model's is "email"
AXES_USERNAME_CALLABLE = "tracker.accounts.services.lockout_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tracker.accounts.views.locked_out"
# The client's address behind the proxy, so a lockout binds the attacker's address, not the proxy's.
AXES_CLIENT_IP_CALLABLE = "tracker.core.client.client_ip"
AXES_VERBOSE = False

# Sessions: an idle timeout by role and a lifetime that activity can't extend.
SESSION_IDLE_MINUTES_STAFF = env_int("SESSION_IDLE_MINUTES_STAFF", 30)
SESSION_IDLE_MINUTES_PATIENT = env_int("SESSION_IDLE_MINUTES_PATIENT", 60)
SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
# "Keep me signed in on this device" (patients only): this many days from the last visit.
SESSION_REMEMBER_DAYS = env_int("SESSION_REMEMBER_DAYS", 30)
# Sensitive actions ask for the password again unless it was entered this recently.
PASSWORD_RECENT_MINUTES = env_int("PASSWORD_RECENT_MINUTES", 15)

# Two-factor (TOTP) for clinicians and staff; required for both in production.
OTP_REQUIRED_FOR_STAFF = env_bool("OTP_REQUIRED_FOR_STAFF", default=not DEBUG)
OTP_REQUIRED_FOR_CLINICIANS = env_bool("OTP_REQUIRED_FOR_CLINICIANS", default=not DEBUG)
OTP_TOTP_ISSUER = "Wellness Tracker"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The app's languages. English is the default and the language the notes are written and reviewed
# in; see docs/development.md ("Translations") to add one. Each name is in its own language, as the
# language switch shows it.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language switch's cookie: kept a year (Django's default ends with the browser session), so
# a returning visitor keeps their choice; no script reads it. Secure in production (above).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env_str("TIME_ZONE", "America/New_York")
if TIME_ZONE not in zoneinfo.available_timezones():
    raise ImproperlyConfigured(f"TIME_ZONE must be an IANA time zone such as America/New_York; got {TIME_ZONE!r}.")
USE_I18N = True
# The app's named date formats (DAY_FORMAT...) and any language's own: docs/development.md ("Formats").
FORMAT_MODULE_PATH = ["wellness.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names in production (after collectstatic); plain files while developing.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Bootstrap comes from a pip package (XStatic-Bootstrap), never a CDN.
    ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]

# While developing, WhiteNoise serves straight from the app and package folders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: SMTP when EMAIL_HOST is set, otherwise each message is written as a
# file under var/sent-emails/ that a developer can open.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = Path(env_str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "sent-emails")))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Wellness Tracker <no-reply@localhost>")
# Seconds an SMTP operation may block. It must stay well under the reminder
# lease below, or a hung send could outlive its claim.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)

# Celery: with no broker configured, tasks run in-process (eagerly), so the app
# works without Redis.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "UTC"
# Acknowledge a task only once it has run, and requeue it if its worker dies:
# a batch interrupted by a crash is redelivered rather than lost. Tasks must
# therefore be safe to run twice (reminder sends claim each row first).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis redelivers a message not acknowledged within this many seconds. Sized to a batch
# (500 reminders take seconds) rather than to an hour: recovery does not wait on it anyway,
# as the next dispatch finds a dead worker's unsent rows again (tracker/reminders/dispatch.py).
CELERY_VISIBILITY_TIMEOUT_SECONDS = env_int("CELERY_VISIBILITY_TIMEOUT_SECONDS", 600)
if CELERY_VISIBILITY_TIMEOUT_SECONDS < 1:
    raise ImproperlyConfigured(
        f"CELERY_VISIBILITY_TIMEOUT_SECONDS must be at least 1; got {CELERY_VISIBILITY_TIMEOUT_SECONDS}."
    )
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT_SECONDS}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
# The one place the periodic work is scheduled; `celery -A wellness beat` reads it.
# Dispatch is idempotent and cheap, so it runs every few minutes: whatever a fault left
# unsent (a killed worker, a restarted Redis, a tick dropped while Redis was down) is found
# and sent by the next one.
REMINDER_DISPATCH_SECONDS = env_int("REMINDER_DISPATCH_SECONDS", 120)
if REMINDER_DISPATCH_SECONDS < 1:
    raise ImproperlyConfigured(f"REMINDER_DISPATCH_SECONDS must be at least 1; got {REMINDER_DISPATCH_SECONDS}.")
CELERY_BEAT_SCHEDULE = {
    "dispatch-weekly-reminders": {
        "task": "tracker.tasks.dispatch_weekly_reminders",
        "schedule": dt.timedelta(seconds=REMINDER_DISPATCH_SECONDS),
    },
}

# A check-in save's statements travel to PostgreSQL in one message (tracker/core/sqlbatch.py).
# 0 runs them one by one in a transaction, as on SQLite: only to measure what the batch saves.
CHECKIN_SAVE_ONE_ROUND_TRIP = env_bool("CHECKIN_SAVE_ONE_ROUND_TRIP", default=True)

# Domain settings.
# A patient can fill in or edit today and the 13 days before it.
CHECKIN_EDIT_WINDOW_DAYS = 14
# Clinic dashboards: any figure drawn from fewer patients than this is withheld.
CLINIC_MIN_CELL_SIZE = env_int("CLINIC_MIN_CELL_SIZE", 5)
if CLINIC_MIN_CELL_SIZE < 1:
    raise ImproperlyConfigured(f"CLINIC_MIN_CELL_SIZE must be 1 or more; got {CLINIC_MIN_CELL_SIZE}.")
# How long a clinician invitation link works.
CLINICIAN_INVITE_MAX_AGE_DAYS = env_int("CLINICIAN_INVITE_MAX_AGE_DAYS", 7)
# How long a patient's single-use join code works once issued.
JOIN_CODE_MAX_AGE_DAYS = env_int("JOIN_CODE_MAX_AGE_DAYS", 30)
if JOIN_CODE_MAX_AGE_DAYS < 1:
    raise ImproperlyConfigured(f"JOIN_CODE_MAX_AGE_DAYS must be 1 or more; got {JOIN_CODE_MAX_AGE_DAYS}.")
# Weekly reminders: patients per send task, the lease a sender holds on a
# delivery while sending it, and how often a failing send is tried.
REMINDER_BATCH_SIZE = env_int("REMINDER_BATCH_SIZE", 500)
if REMINDER_BATCH_SIZE < 1:
    raise ImproperlyConfigured(f"REMINDER_BATCH_SIZE must be at least 1; got {REMINDER_BATCH_SIZE}.")
# The lease covers one send and its mark: a row whose worker died goes out again once it
# runs out, at the next dispatch. It must outlast any send (EMAIL_TIMEOUT bounds each SMTP
# step), or a slow send could lose its claim mid-way.
REMINDER_LEASE_SECONDS = env_int("REMINDER_LEASE_SECONDS", 5 * 60)
if REMINDER_LEASE_SECONDS < 4 * EMAIL_TIMEOUT:
    raise ImproperlyConfigured(
        f"REMINDER_LEASE_SECONDS must be at least 4 x EMAIL_TIMEOUT ({4 * EMAIL_TIMEOUT}); "
        f"got {REMINDER_LEASE_SECONDS}."
    )
REMINDER_MAX_ATTEMPTS = 5
# Web Push reminders (tracker/reminders/push.py, docs/reminders.md): the VAPID key pair and the
# contact the push services may write to. `python manage.py vapid_keys` makes a pair. All three
# unset: push is off and the settings page offers no push control. Only some set: start-up stops
# in production (DEBUG off); while developing push just stays off.
VAPID_PUBLIC_KEY = env_str("VAPID_PUBLIC_KEY").strip()
VAPID_PRIVATE_KEY = env_str("VAPID_PRIVATE_KEY").strip()
VAPID_SUBJECT = env_str("VAPID_SUBJECT").strip()
WEB_PUSH_PROBLEM = vapid_problem(public=VAPID_PUBLIC_KEY, private=VAPID_PRIVATE_KEY, subject=VAPID_SUBJECT)
if WEB_PUSH_PROBLEM and not DEBUG:
    raise ImproperlyConfigured(WEB_PUSH_PROBLEM)
WEB_PUSH_ENABLED = bool(VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY and VAPID_SUBJECT) and not WEB_PUSH_PROBLEM
# The push services a browser's subscription may point at (the workers POST to it): a leading
# "*." allows any subdomain. The defaults are Chrome's, Firefox's, Safari's and Edge's.
WEB_PUSH_SERVICE_HOSTS = env_list(
    "WEB_PUSH_SERVICE_HOSTS",
    "fcm.googleapis.com,updates.push.services.mozilla.com,*.push.apple.com,*.notify.windows.com",
)
# Seconds one request to a push service may take; a reminder's pushes fit in its lease.
PUSH_TIMEOUT = env_int("PUSH_TIMEOUT", 10)
if not 1 <= PUSH_TIMEOUT <= 30:
    raise ImproperlyConfigured(f"PUSH_TIMEOUT must be between 1 and 30 seconds; got {PUSH_TIMEOUT}.")
# Verification links in emails stop working after this many days.
EMAIL_VERIFICATION_MAX_AGE_DAYS = 7

# Logs go to stdout: JSON lines with the request id in production
# (LOG_FORMAT=json, the default when DJANGO_DEBUG=0), plain text while developing.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json; got {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "wellness.observability.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "wellness.observability.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # django-axes logs every login at INFO; lockouts come at WARNING.
    "loggers": {"axes": {"level": "WARNING"}},
}
