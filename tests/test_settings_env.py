import pytest
from django.core.exceptions import ImproperlyConfigured

from wellness.env import env_bool, env_int, env_list


def test_it_reads_booleans(monkeypatch):
    monkeypatch.setenv("FLAG", "0")
    assert env_bool("FLAG", default=True) is False
    monkeypatch.setenv("FLAG", "yes")
    assert env_bool("FLAG", default=False) is True


def test_it_fails_loudly_on_a_bad_boolean(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env_bool("FLAG", default=True)


def test_it_fails_loudly_on_a_bad_number(monkeypatch):
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(ImproperlyConfigured, match="PORT"):
        env_int("PORT", 1)


def test_it_splits_lists(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.example, ,b.example ")
    assert env_list("HOSTS") == ["a.example", "b.example"]
