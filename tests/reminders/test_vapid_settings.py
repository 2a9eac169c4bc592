"""The VAPID settings: a key pair from the command, push on only when all three are right, and a
production start-up that stops when they are half set."""

import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from wellness.vapid import vapid_problem


def generated_pair(capsys) -> dict:
    call_command("vapid_keys", "--subject", "mailto:ops@clinic.example")
    return dict(line.split("=", 1) for line in capsys.readouterr().out.split())


def test_the_command_prints_a_pair_the_settings_accept(capsys):
    pair = generated_pair(capsys)
    assert sorted(pair) == ["VAPID_PRIVATE_KEY", "VAPID_PUBLIC_KEY", "VAPID_SUBJECT"]
    assert len(pair["VAPID_PUBLIC_KEY"]) == 87 and len(pair["VAPID_PRIVATE_KEY"]) == 43  # noqa: PT018
    assert (
        vapid_problem(public=pair["VAPID_PUBLIC_KEY"], private=pair["VAPID_PRIVATE_KEY"], subject=pair["VAPID_SUBJECT"])
        == ""
    )
    assert generated_pair(capsys)["VAPID_PRIVATE_KEY"] != pair["VAPID_PRIVATE_KEY"]


def test_it_names_what_is_wrong(capsys):
    pair = generated_pair(capsys)
    other = generated_pair(capsys)
    public, private = pair["VAPID_PUBLIC_KEY"], pair["VAPID_PRIVATE_KEY"]
    assert vapid_problem(public="", private="", subject="") == ""
    assert "half configured" in vapid_problem(public=public, private=private, subject="")
    assert "VAPID_SUBJECT not" in vapid_problem(public=public, private=private, subject="")
    assert "uncompressed P-256" in vapid_problem(public="abc", private=private, subject="mailto:a@b.c")
    assert "32-byte" in vapid_problem(public=public, private="abc!", subject="mailto:a@b.c")
    assert "not the public half" in vapid_problem(
        public=other["VAPID_PUBLIC_KEY"], private=private, subject="mailto:a@b.c"
    )
    assert "mailto:" in vapid_problem(public=public, private=private, subject="ops@clinic.example")


def _start(**variables):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "wellness.settings", **variables}
    for name in ("VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY", "VAPID_SUBJECT"):
        env.setdefault(name, "")
    code = "import django; django.setup(); from django.conf import settings as s; print(s.WEB_PUSH_ENABLED)"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)


PRODUCTION = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "wellness.example"}


@pytest.mark.parametrize("debug", [True, False])
def test_push_is_on_with_all_three_and_off_with_none(capsys, debug):
    pair = generated_pair(capsys)
    variables = {} if debug else PRODUCTION
    assert _start(**variables, **pair).stdout.strip() == "True"
    assert _start(**variables).stdout.strip() == "False"


def test_a_half_configured_production_stops_while_development_just_leaves_push_off(capsys):
    pair = generated_pair(capsys)
    del pair["VAPID_SUBJECT"]
    production = _start(**PRODUCTION, **pair)
    assert production.returncode != 0
    assert "Web Push is half configured" in production.stderr
    development = _start(DJANGO_DEBUG="1", **pair)
    assert development.returncode == 0, development.stderr
    assert development.stdout.strip() == "False"
