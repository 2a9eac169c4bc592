"""The educational notes and their citations, as versioned files.

`notes/*.md` hold one note each (a small front matter block, then Markdown with `[@key]` citation
markers), written and reviewed in English; `notes/<language>/*.md` their translations;
`citations.json` holds the citation records. The data migration loads them into the
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


def _read_note_files(folder: Path) -> list[dict]:
    """The notes in one folder, each as a dict: the front matter fields, `body`, and `cites`
    (the citation keys in first-use order)."""
    notes = []
    for path in sorted(folder.glob("*.md")):
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


def read_notes() -> list[dict]:
    """Every note, as written and reviewed in English: notes/*.md."""
    return _read_note_files(CONTENT_DIR / "notes")


def read_translations() -> list[dict]:
    """Every translated note: notes/<language>/<slug>.md, each with its `language`.

    A translation's front matter has the slug of the English note it translates, its title and
    summary, `translated_from_reviewed_on` (the English note's last_reviewed it translates),
    `translated_by`, and the English review's `reviewed_by` and `review_scope` in its language.
    """
    translations = []
    for folder in sorted(path for path in (CONTENT_DIR / "notes").iterdir() if path.is_dir()):
        translations += [{**note, "language": folder.name} for note in _read_note_files(folder)]
    return translations
