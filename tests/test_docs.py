"""The manual keeps its promises: the README is a front door, one page lists every environment
variable, every `make` target the docs name exists, and every link between the docs leads somewhere."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
CONFIGURATION = DOCS / "configuration.md"

# Where the code reads a variable: the settings helpers, os.environ, and ${NAME:-default} in shell.
READS = [
    re.compile(r"""env_(?:str|int|bool|list)\(\s*["']([A-Z][A-Z0-9_]*)["']"""),
    re.compile(r"""os\.environ\.(?:get|setdefault)\(\s*["']([A-Z][A-Z0-9_]*)["']"""),
    re.compile(r"""os\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]"""),
    re.compile(r"""\$\{([A-Z][A-Z0-9_]*)[:}]"""),
]
CODE = [
    *ROOT.glob("wellness/*.py"),
    *ROOT.glob("tracker/**/*.py"),
    ROOT / "gunicorn.conf.py",
    ROOT / "manage.py",
    ROOT / "bin" / "serve-prod",
    *ROOT.glob("bin/*.py"),
    *ROOT.glob("bench/*.py"),
    # The suite's own switches live in its helpers; test modules set made-up variables to test the helpers.
    *(path for path in ROOT.glob("tests/**/*.py") if not path.name.startswith("test_")),
]


def _variables_read() -> dict[str, str]:
    found = {}
    for path in CODE:
        text = path.read_text(encoding="utf-8")
        for pattern in READS:
            for name in pattern.findall(text):
                found.setdefault(name, str(path.relative_to(ROOT)))
    return found


def test_the_code_reads_variables_this_test_can_see():
    # Guards the patterns above: if they stopped matching, the next test would pass on nothing.
    assert {"DJANGO_SECRET_KEY", "GUNICORN_THREADS", "SEED_DEMO", "TEST_REDIS_URL"} <= set(_variables_read())


def test_every_environment_variable_the_code_reads_is_on_the_configuration_page():
    page = CONFIGURATION.read_text(encoding="utf-8")
    missing = {name: where for name, where in _variables_read().items() if f"`{name}`" not in page}
    assert not missing, f"read by the code but not on docs/configuration.md: {missing}"


def _code_in(text: str) -> list[str]:
    """The fenced blocks and inline code spans of a Markdown page."""
    fenced = re.findall(r"```.*?\n(.*?)```", text, flags=re.S)
    outside = re.sub(r"```.*?```", "", text, flags=re.S)
    return fenced + re.findall(r"`([^`\n]+)`", outside)


def _make_targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][a-z0-9-]*)\s*:(?!=)", makefile, flags=re.M))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_make_target_the_docs_name_exists(page):
    named = {
        target
        for code in _code_in(page.read_text(encoding="utf-8"))
        for target in re.findall(r"\bmake ([a-z][a-z0-9-]*)", code)
    }
    assert named - _make_targets() == set(), f"{page.name} names make targets the Makefile lacks"


def _anchors(page: Path) -> set[str]:
    """GitHub's anchors for the page's headings: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    headings = re.findall(r"^#{1,6} (.+)$", text, flags=re.M)
    return {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-") for heading in headings}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_link_between_the_docs_leads_somewhere(page):
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    links = re.findall(r"\]\(([^)\s]+)\)", text) + re.findall(r'src="([^"]+)"', text)
    broken = []
    for link in links:
        if re.match(r"[a-z]+:", link):
            continue  # another site
        path, _, anchor = link.partition("#")
        target = (page.parent / path).resolve() if path else page
        if not target.exists() or (anchor and target.suffix == ".md" and anchor not in _anchors(target)):
            broken.append(link)
    assert not broken, f"{page.name} links to nothing: {broken}"


def test_the_readme_is_a_front_door():
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    assert readme.stat().st_size <= 8 * 1024
    assert "make run" in text
    assert "make test" in text
    assert "patient@demo.example" in text
    assert "clinician@demo.example" in text
    assert "docs/index.md" in text
    images = re.findall(r'src="(docs/images/[^"]+)"', text)
    assert len(images) == 2
    for image in images:
        assert (ROOT / image).stat().st_size < 300_000, f"{image} is heavy for a front door"
