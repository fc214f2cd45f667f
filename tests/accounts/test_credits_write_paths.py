"""No code path changes `users.credits` except the ledger's services.

A scan of the project's code (models, admin, API, commands, importers, scripts) for every way
Python can write the column — a keyword `credits=` to a write method, `x.credits = …`,
`update_fields` naming it, raw SQL setting it — finds only `accounts.services._set_balance`.
The behaviour is checked too: saving a user never writes the balance, a new user starts at 0,
and the admin and the API refuse to set it."""

import ast
import re
from decimal import Decimal
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import grant_credits
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ["accounts", "props", "betterbros", "scripts", "bench", "manage.py"]
SKIPPED_PARTS = {"migrations", "tests", ".venv", "__pycache__"}
WRITE_METHODS = {
    "update",
    "create",
    "create_user",
    "create_superuser",
    "get_or_create",
    "update_or_create",
    "bulk_create",
    "bulk_update",
    "User",
}
RAW_SQL_WRITE = re.compile(
    r"\bUPDATE\s+\"?users\"?\b.*\bcredits\b|\bSET\b.*\bcredits\s*=", re.I | re.S
)


def credits_writes(source: str) -> list[tuple[int, str]]:
    """(line, enclosing function) of each write of `credits` in `source`."""
    tree = ast.parse(source)
    found = []

    def visit(node, function):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node.name
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", None))
            for keyword in node.keywords:
                if keyword.arg == "credits" and name in WRITE_METHODS:
                    found.append((node.lineno, function))
                if keyword.arg in ("update_fields", "fields", "defaults") and "credits" in {
                    getattr(element, "value", None) for element in ast.walk(keyword.value)
                }:
                    found.append((node.lineno, function))
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for element in ast.walk(target):
                    if isinstance(element, ast.Attribute) and element.attr == "credits":
                        found.append((node.lineno, function))
        is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
        if is_text and RAW_SQL_WRITE.search(node.value):
            found.append((node.lineno, function))
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, "<module>")
    return found


def project_files():
    for entry in SCANNED:
        path = ROOT / entry
        for file in [path] if path.is_file() else sorted(path.rglob("*.py")):
            if not SKIPPED_PARTS & set(file.relative_to(ROOT).parts):
                yield file


def test_only_the_ledger_services_write_users_credits():
    writes = {
        (str(file.relative_to(ROOT)), function)
        for file in project_files()
        for _, function in credits_writes(file.read_text())
    }
    assert writes == {("accounts/services.py", "_set_balance")}


@pytest.mark.parametrize(
    "snippet",
    [
        "User.objects.filter(pk=1).update(credits=5)",
        "User.objects.create_user('a@b.c', credits=5)",
        "user.credits = 5",
        "user.credits += 5",
        "user.save(update_fields=['credits'])",
        "User.objects.update_or_create(email='x', defaults={'credits': 5})",
        "cursor.execute('UPDATE users SET credits = credits + %s', [5])",
    ],
)
def test_the_scan_finds_each_way_of_writing_credits(snippet):
    assert credits_writes(f"def sneaky():\n    {snippet}\n") == [(2, "sneaky")]


def test_reading_credits_is_not_a_write():
    source = "def read(user):\n    return User.objects.filter(credits__gt=0), user.credits\n"
    assert credits_writes(source) == []


@pytest.mark.django_db
def test_saving_a_user_never_writes_the_balance():
    user = UserFactory(credits=10)
    stale = User.objects.get(pk=user.pk)
    grant_credits(user_id=user.pk, amount=5)

    stale.full_name = "Renamed"
    stale.credits = Decimal("999.00")
    stale.save()
    stale.save(update_fields=["credits"])

    user.refresh_from_db()
    assert (user.full_name, user.credits) == ("Renamed", Decimal("15.00"))


@pytest.mark.django_db
def test_a_new_user_cannot_start_with_credits_outside_the_ledger():
    with pytest.raises(ValueError, match="grant_credits"):
        User.objects.create_user("rich@example.com", credits=100)
    assert not User.objects.filter(email="rich@example.com").exists()


@pytest.mark.django_db
def test_the_api_refuses_to_set_credits():
    user = UserFactory(credits=3)
    client = APIClient()
    client.force_authenticate(user=user)
    response = client.patch("/api/v1/users/me/", {"credits": "1000.00"}, format="json")
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.credits == Decimal("3.00")
