"""The documented examples (README.md and its pages, `DOCUMENTS`) name what `seed_demo`
creates: its staff login and its snapshots (so that they run as written against the demo data).
A static check of the text, quick to fail; `test_readme_blocks.py` runs the blocks themselves
against a seeded throwaway database."""

import re

from props.management.commands import seed_demo

from .servers import PROJECT_DIR
from .test_readme_blocks import DOCS_TEXT as README

DEMO_SLUGS = set(re.findall(r'slug="([^"]+)"', (PROJECT_DIR / seed_demo.__file__).read_text()))


def test_the_token_example_uses_the_demo_staff_email():
    emails = re.findall(r"drf_create_token (\S+)", README)
    assert emails
    assert set(emails) == {seed_demo.STAFF_EMAIL}


def test_the_session_example_signs_in_with_the_demo_login():
    assert f"username={seed_demo.STAFF_EMAIL}&password={seed_demo.STAFF_PASSWORD}" in README


def test_export_examples_name_a_snapshot_seed_demo_creates():
    slugs = re.findall(r"export_props --snapshot (\S+)", README)
    assert slugs
    assert DEMO_SLUGS
    assert set(slugs) <= DEMO_SLUGS
