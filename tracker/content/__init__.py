"""The educational notes and their citations, as versioned files.

`notes/*.md` hold one note each (a small front matter block, then Markdown with `[@key]` citation
markers); `citations.json` holds the citation records. The data migration loads them into the
database, where staff can edit them in the admin. Plain parsing only: no models here, so the
migration can call it with historical models.
"""

import json
import re
from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parent
MARKER_RE = re.compile(r"\[@([a-z0-9][a-z0-9-]*)\]")
FRONT_MATTER_RE = re.compile(r"\A---\n(?P<meta>.*?)\n---\n(?P<body>.*)\Z", re.S)


def read_citations() -> list[dict]:
    return json.loads((CONTENT_DIR / "citations.json").read_text(encoding="utf-8"))


def read_notes() -> list[dict]:
    """Every note as a dict: the front matter fields, `body`, and `cites` (keys in first-use order)."""
    notes = []
    for path in sorted((CONTENT_DIR / "notes").glob("*.md")):
        match = FRONT_MATTER_RE.match(path.read_text(encoding="utf-8"))
        if not match:
            raise ValueError(f"{path.name}: no front matter")
        note = {}
        for line in match["meta"].splitlines():
            name, _, value = line.partition(":")
            note[name.strip()] = value.strip().strip('"')
        note["body"] = match["body"].strip() + "\n"
        note["cites"] = list(dict.fromkeys(MARKER_RE.findall(note["body"])))
        notes.append(note)
    return notes
