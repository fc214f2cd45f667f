"""The apps' import graph: `accounts` stands on its own, nothing imports in a circle, and the
shared modules of `betterbros` that both apps use import neither app. Migrations are history
(accounts' 0003 names `props.fields` as it was then) and are left out."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "props")
SHARED_MODULES = (
    "betterbros/json_fields.py",
    "betterbros/json_validation.py",
    "betterbros/admin_paging.py",
    "betterbros/api/filtersets.py",
)


def imported_modules(path, root=ROOT):
    """Absolute names of every module `path` imports, at any depth of the file (functions
    included); relative imports are resolved against the file's package under `root`."""
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module
            names.add(module)
    return names


def app_sources(app):
    return [path for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts]


def apps_imported_by(paths):
    return {name.split(".")[0] for path in paths for name in imported_modules(path)} & set(APPS)


def app_graph():
    return {app: apps_imported_by(app_sources(app)) - {app} for app in APPS}


def test_accounts_imports_nothing_from_props():
    offenders = sorted(
        str(path.relative_to(ROOT))
        for path in app_sources("accounts")
        if apps_imported_by([path]) & {"props"}
    )
    assert offenders == []


def test_the_apps_import_graph_has_no_cycle():
    graph = app_graph()

    def reaches(start, goal, seen=()):
        return any(
            nxt == goal or (nxt not in seen and reaches(nxt, goal, (*seen, nxt)))
            for nxt in graph[start]
        )

    assert [app for app in APPS if reaches(app, app)] == []


def test_the_shared_modules_import_no_app():
    importing = [module for module in SHARED_MODULES if apps_imported_by([ROOT / module])]
    assert importing == []


def test_the_scan_sees_relative_and_function_level_imports(tmp_path):
    (tmp_path / "accounts").mkdir()
    module = tmp_path / "accounts" / "views.py"
    module.write_text("from ..props import models\n\ndef later():\n    import props.services\n")
    assert imported_modules(module, root=tmp_path) == {"props", "props.services"}
