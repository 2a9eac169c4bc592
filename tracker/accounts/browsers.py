"""A browser as a person names it ("Firefox on Linux"), kept in language-neutral parts.

A sign-in's audit event and a signed-in session store the browser's name and its system as found in
the User-Agent ("Firefox", "Linux": names, the same in every language), and the sentence is written
only when someone reads it, in their language: "Firefox on Linux", "Firefox en Linux". Either part
may be unknown ("": "A browser on Linux", "An unknown browser").

In an audit event's metadata the parts are `browser` and `browser_system` (`ended` and
`ended_system` for the session a user signed out). Events recorded before the parts were kept
hold the English sentence under `browser` alone; they are read back into parts (from_english).
"""

import re
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext

# (pattern, name): the first match wins, so more specific browsers come before the ones they copy.
_BROWSERS = (
    (r"Edg(e|A|iOS)?/", "Edge"),
    (r"OPR/|Opera", "Opera"),
    (r"SamsungBrowser/", "Samsung Internet"),
    (r"Firefox/|FxiOS/", "Firefox"),
    (r"Chrome/|CriOS/|Chromium/", "Chrome"),
    (r"Safari/", "Safari"),
)
_SYSTEMS = (
    (r"Android", "Android"),
    (r"iPhone", "iPhone"),
    (r"iPad", "iPad"),
    (r"CrOS", "ChromeOS"),
    (r"Windows", "Windows"),
    (r"Macintosh|Mac OS X", "macOS"),
    (r"Linux", "Linux"),
)


@dataclass(frozen=True)
class Browser:
    name: str = ""  # "Firefox"; "" when the User-Agent names no browser we know
    system: str = ""  # "Linux"; "" likewise

    @classmethod
    def from_user_agent(cls, user_agent: str) -> "Browser":
        user_agent = user_agent or ""
        name = next((name for pattern, name in _BROWSERS if re.search(pattern, user_agent)), "")
        system = next((name for pattern, name in _SYSTEMS if re.search(pattern, user_agent)), "")
        return cls(name, system)

    @classmethod
    def from_english(cls, words: str) -> "Browser":
        """The parts of a browser stored as an English sentence, before the parts were kept."""
        if words == "An unknown browser":
            return cls()
        if match := re.fullmatch(r"A browser on (.+)", words):
            return cls("", match[1])
        if match := re.fullmatch(r"(.+?) on (.+)", words):
            return cls(match[1], match[2])
        return cls(words, "")

    @classmethod
    def from_metadata(cls, metadata: dict, key: str = "browser") -> "Browser | None":
        """The browser an audit event names under `key`; None when it names none."""
        if f"{key}_system" in metadata:
            return cls(metadata.get(key) or "", metadata[f"{key}_system"] or "")
        if metadata.get(key):
            return cls.from_english(metadata[key])
        return None

    def metadata(self, key: str = "browser") -> dict:
        """The parts, as an audit event's metadata keeps them."""
        return {key: self.name, f"{key}_system": self.system}

    def in_audit(self, key: str = "browser") -> Q:
        """Audit events naming this browser under `key`, in parts or as the English of before."""
        in_parts = Q(**{f"metadata__{key}": self.name, f"metadata__{key}_system": self.system})
        before = Q(**{f"metadata__{key}": self.english()}) & ~Q(metadata__has_key=f"{key}_system")
        return in_parts | before

    def english(self) -> str:
        """The sentence as it was stored in English before the parts were kept."""
        if self.name and self.system:
            return f"{self.name} on {self.system}"
        return self.name or (f"A browser on {self.system}" if self.system else "An unknown browser")

    def __str__(self) -> str:
        """In the active language: "Firefox on Linux", "Firefox en Linux"."""
        if self.name and self.system:
            return gettext("%(browser)s on %(system)s") % {"browser": self.name, "system": self.system}
        if self.name:
            return self.name
        if self.system:
            return gettext("A browser on %(system)s") % {"system": self.system}
        return gettext("An unknown browser")
