"""`manage.py db status|upgrade|downgrade|reset|history`: the seed's `scripts/db_migrate.py`
on Django migrations.

- `status`: per app, how many migrations are applied, the latest, and what is pending.
- `upgrade [APP]`: apply every pending migration (of APP only, with its dependencies); on
  PostgreSQL, first create the database when it does not exist yet (a fresh machine).
- `downgrade [APP] [--steps N]`: unapply the last N migrations of APP, or, without APP, the N
  most recently applied migrations (one at a time); migrations of other apps that depend on an
  unapplied one are unapplied with it, as `migrate` does.
- `reset`: drop every table (and the database's own functions, such as the lock trigger's) and
  migrate from scratch. Deletes all data: it asks for confirmation unless `--yes`, and refuses
  with DEBUG off unless `--force`.
- `history`: applied migrations in the order they were applied, with when; pending ones last.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

# The database's own functions in the current schema, except those that belong to extensions.
OWN_FUNCTIONS_SQL = """
SELECT format('%s(%s)', p.oid::regproc, pg_get_function_identity_arguments(p.oid))
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = current_schema() AND p.prokind = 'f'
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
"""


class Command(BaseCommand):
    help = "Database migrations: status, upgrade, downgrade [APP] [--steps N], reset, history."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, choices=list(connections))
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("status", help="Applied and pending migrations per app.")
        upgrade = actions.add_parser("upgrade", help="Apply pending migrations.")
        upgrade.add_argument("app_label", nargs="?", help="Only this app (and dependencies).")
        downgrade = actions.add_parser("downgrade", help="Unapply the latest migrations.")
        downgrade.add_argument("app_label", nargs="?", help="Only this app's migrations.")
        downgrade.add_argument("--steps", type=int, default=1, help="How many (default 1).")
        reset = actions.add_parser("reset", help="Drop everything and migrate from scratch.")
        reset.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        reset.add_argument("--force", action="store_true", help="Allow it with DEBUG off.")
        actions.add_parser("history", help="Applied migrations in the order applied.")

    def handle(self, *args, action, database, **options):
        self.connection = connections[database]
        self.database = database
        getattr(self, f"handle_{action}")(**options)

    # --- reading the state -----------------------------------------------------------------

    def _loader(self):
        return MigrationLoader(self.connection, ignore_no_migrations=True)

    @staticmethod
    def _app_plan(loader, app_label):
        """The app's migrations in the order they apply."""
        plan = []
        for leaf in loader.graph.leaf_nodes(app_label):
            for key in loader.graph.forwards_plan(leaf):
                if key[0] == app_label and key not in plan:
                    plan.append(key)
        return plan

    def _check_app(self, loader, app_label):
        if app_label is not None and app_label not in loader.migrated_apps:
            raise CommandError(f"App '{app_label}' does not exist or has no migrations.")

    # --- actions ---------------------------------------------------------------------------

    def handle_status(self, **options):
        loader = self._loader()
        pending = []
        for app_label in sorted(loader.migrated_apps):
            plan = self._app_plan(loader, app_label)
            applied = [key for key in plan if key in loader.applied_migrations]
            waiting = [key for key in plan if key not in loader.applied_migrations]
            pending.extend(waiting)
            latest = applied[-1][1] if applied else "none"
            line = f"{app_label:<16} {len(applied)}/{len(plan)} applied, latest {latest}"
            if waiting:
                line += f"; pending: {', '.join(name for _, name in waiting)}"
            self.stdout.write(line)
        if pending:
            self.stdout.write(
                f"{len(pending)} pending migration(s): run `manage.py db upgrade`.",
                self.style.WARNING,
            )
        else:
            self.stdout.write("The database is up to date.", self.style.SUCCESS)

    def handle_upgrade(self, app_label=None, **options):
        self._create_database_if_missing()
        loader = self._loader()
        self._check_app(loader, app_label)
        before = set(loader.applied_migrations)
        call_command(
            "migrate",
            *([app_label] if app_label else []),
            database=self.database,
            interactive=False,
            verbosity=max(0, options["verbosity"] - 1),
            stdout=self.stdout,
        )
        applied = set(self._loader().applied_migrations) - before
        self.stdout.write(f"Applied {len(applied)} migration(s).", self.style.SUCCESS)

    def _create_database_if_missing(self):
        connection = self.connection
        if connection.vendor != "postgresql":
            return  # SQLite creates its file on connect
        try:
            connection.ensure_connection()
        except OperationalError as error:
            if "does not exist" not in str(error):
                raise
            name = connection.settings_dict["NAME"]
            # Through the server's maintenance database, as Django's test runner does.
            with connection._nodb_cursor() as cursor:
                cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
            self.stdout.write(f"Created the database '{name}'.")

    def handle_downgrade(self, app_label=None, steps=1, **options):
        if steps < 1:
            raise CommandError("--steps must be at least 1.")
        loader = self._loader()
        self._check_app(loader, app_label)
        before = set(loader.applied_migrations)
        for _ in range(steps):
            target = self._downgrade_target(loader, app_label)
            if target is None:
                break
            call_command(
                "migrate",
                *target,
                database=self.database,
                interactive=False,
                verbosity=max(0, options["verbosity"] - 1),
                stdout=self.stdout,
            )
            loader = self._loader()
        unapplied = sorted(before - set(loader.applied_migrations))
        if not unapplied:
            self.stdout.write("Nothing to downgrade.")
            return
        names = ", ".join(f"{app}.{name}" for app, name in unapplied)
        self.stdout.write(f"Unapplied {len(unapplied)} migration(s): {names}.", self.style.SUCCESS)

    def _downgrade_target(self, loader, app_label):
        """(app_label, migration name or "zero") one step before the latest applied, or None."""
        if app_label is None:
            app_label = self._most_recently_applied_app(loader)
            if app_label is None:
                return None
        applied = [
            key for key in self._app_plan(loader, app_label) if key in loader.applied_migrations
        ]
        if not applied:
            return None
        return (app_label, applied[-2][1] if len(applied) > 1 else "zero")

    def _most_recently_applied_app(self, loader):
        recorder = MigrationRecorder(self.connection)
        if not recorder.has_table():
            return None
        recorded = recorder.migration_qs.order_by("-applied", "-id")
        for app_label, name in recorded.values_list("app", "name"):
            if (app_label, name) in loader.graph.nodes:
                return app_label
        return None

    def handle_reset(self, yes=False, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to reset with DEBUG off: this deletes all data. Pass --force if this "
                "really is the database to wipe."
            )
        name = self.connection.settings_dict["NAME"]
        if not yes:
            question = (
                f"This drops every table of database '{name}' and all its data, then migrates "
                "from scratch. Type 'yes' to continue: "
            )
            try:
                answer = input(question)
            except EOFError:
                answer = ""
            if answer.strip().lower() != "yes":
                raise CommandError("Reset cancelled; nothing was changed.")
        dropped = self._drop_everything()
        self.stdout.write(f"Dropped {dropped} table(s) of '{name}'.")
        self.handle_upgrade(verbosity=options["verbosity"])

    def _drop_everything(self):
        connection = self.connection
        with connection.cursor() as cursor:
            tables = [
                info.name
                for info in connection.introspection.get_table_list(cursor)
                if info.type == "t"
            ]
        quote = connection.ops.quote_name
        with connection.schema_editor() as editor:
            if connection.vendor == "postgresql":
                if tables:
                    editor.execute(f"DROP TABLE IF EXISTS {', '.join(map(quote, tables))} CASCADE")
                with connection.cursor() as cursor:
                    cursor.execute(OWN_FUNCTIONS_SQL)
                    functions = [row[0] for row in cursor.fetchall()]
                for function in functions:
                    editor.execute(f"DROP FUNCTION IF EXISTS {function} CASCADE")
            else:
                for table in tables:
                    editor.execute(f"DROP TABLE IF EXISTS {quote(table)}")
        return len(tables)

    def handle_history(self, **options):
        loader = self._loader()
        recorder = MigrationRecorder(self.connection)
        recorded = (
            list(
                recorder.migration_qs.order_by("applied", "id").values_list(
                    "app", "name", "applied"
                )
            )
            if recorder.has_table()
            else []
        )
        for app_label, name, applied in recorded:
            self.stdout.write(f"{applied:%Y-%m-%d %H:%M:%S}  {app_label}.{name}")
        pending = [
            key
            for app_label in sorted(loader.migrated_apps)
            for key in self._app_plan(loader, app_label)
            if key not in loader.applied_migrations
        ]
        for app_label, name in pending:
            self.stdout.write(f"{'pending':<19}  {app_label}.{name}")
        if not recorded and not pending:
            self.stdout.write("No migrations.")
