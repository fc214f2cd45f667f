"""JSON shape of users.user_metadata, enforced where PostgreSQL can (jsonb)."""

from django.db import migrations

from betterbros.db_operations import RunSQLOnPostgreSQL


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        RunSQLOnPostgreSQL(
            sql="ALTER TABLE users ADD CONSTRAINT users_user_metadata_is_object "
            "CHECK (jsonb_typeof(user_metadata) = 'object')",
            reverse_sql="ALTER TABLE users DROP CONSTRAINT users_user_metadata_is_object",
        ),
    ]
