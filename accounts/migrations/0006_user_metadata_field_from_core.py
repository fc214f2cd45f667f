"""The JSON field and its validator now live in `betterbros` (shared by the apps), not in
props: the same column and rules, only the import path changes (no SQL)."""

from django.db import migrations

import betterbros.json_fields
import betterbros.json_validation


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_opening_credit_balances"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="user_metadata",
            field=betterbros.json_fields.ValidatedJSONField(
                blank=True,
                default=dict,
                validators=[betterbros.json_validation.validate_json_object],
            ),
        ),
    ]
