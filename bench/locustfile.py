"""Load profiles for bench/loadtest.py (locust, headless).

LivezUser: the framework's limit, a view that touches no database.
SaveUser: back-to-back check-in saves by logged-in patients, to compare with LivezUser.
PatientUser and ClinicianUser: the realistic mix (log in, open pages, save).
"""

import os
import random
import re

from locust import HttpUser, between, task

PATIENTS = int(os.environ.get("LOAD_PATIENTS", "10000"))
PASSWORD = os.environ.get("LOAD_PASSWORD", "load-test-password-2026")
CLINIC_ID = os.environ.get("LOAD_CLINIC_ID", "1")
DASHBOARD_PATH = os.environ.get("LOAD_DASHBOARD_PATH", "/dashboard/")
SESSIONS = [key for key in os.environ.get("LOAD_SESSIONS", "").split(",") if key]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _csrf(user, path):
    response = user.client.get(path, name=f"{path} (form)")
    match = CSRF.search(response.text)
    return match.group(1) if match else ""


def _log_in(user, email):
    token = _csrf(user, "/accounts/login/")
    response = user.client.post(
        "/accounts/login/",
        {"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        name="login",
        allow_redirects=False,
    )
    if response.status_code != 302:
        response.failure(f"login failed: {response.status_code}")


def _checkin_values():
    return {
        "sleep_hours": str(random.choice([5.5, 6, 6.75, 7, 7.5, 8.25])),
        "sleep_quality": str(random.randint(1, 5)),
        "stress": str(random.randint(0, 10)),
        "omega3_servings": str(random.randint(0, 3)),
        "omega3_supplement": random.choice(["True", "False", ""]),
        "fruit_veg_servings": str(random.randint(0, 8)),
        "note": "",
    }


class LivezUser(HttpUser):
    wait_time = between(0, 0)

    @task
    def livez(self):
        self.client.get("/livez", name="livez (minimal view)")


class SaveUser(HttpUser):
    """A returning patient: already logged in (a session made by bench/seed_load.py), saving."""

    wait_time = between(0, 0)

    def on_start(self):
        if SESSIONS:
            self.client.cookies.set("sessionid", random.choice(SESSIONS))
        else:
            _log_in(self, f"load{random.randrange(PATIENTS):05d}@load.example")
        self.token = _csrf(self, "/today/")

    @task
    def save(self):
        data = {**_checkin_values(), "csrfmiddlewaretoken": self.token}
        with self.client.post("/today/", data, name="save check-in", allow_redirects=False, catch_response=True) as r:
            if r.status_code != 302:
                r.failure(f"save returned {r.status_code}")
        # A browser shows the "Saved" message on the page it is redirected to, which empties the
        # messages cookie. Not following the redirect, this user drops the cookie instead: left
        # to pile up, it would overflow into the session and measure that instead of the save.
        self.client.cookies.pop("messages", None)


class PatientUser(HttpUser):
    weight = 9
    wait_time = between(0.5, 1.5)

    def on_start(self):
        _log_in(self, f"load{random.randrange(PATIENTS):05d}@load.example")

    @task(3)
    def dashboard(self):
        self.client.get(DASHBOARD_PATH, name="patient dashboard")

    @task(2)
    def today(self):
        self.client.get("/today/", name="today (form)")

    @task(2)
    def save(self):
        token = _csrf(self, "/today/")
        data = {**_checkin_values(), "csrfmiddlewaretoken": token}
        with self.client.post("/today/", data, name="save check-in", allow_redirects=False, catch_response=True) as r:
            if r.status_code != 302:
                r.failure(f"save returned {r.status_code}")

    @task(1)
    def history(self):
        self.client.get("/history/", name="history")


class ClinicianUser(HttpUser):
    weight = 1
    wait_time = between(1, 2)

    def on_start(self):
        _log_in(self, "clinician@load.example")

    @task
    def clinic_dashboard(self):
        self.client.get(f"/clinician/clinics/{CLINIC_ID}/", name="clinician dashboard")
