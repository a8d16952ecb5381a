import hashlib
from datetime import timedelta
from typing import Any

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def fill_tokens(apps: Any, schema_editor: Any) -> None:
    # Tokens made before expiry existed get the usual lifetime from now, keep the write
    # access they had, and are tied to their owner's present password.
    ApiToken = apps.get_model("accounts", "ApiToken")
    expires = django.utils.timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)
    for token in ApiToken.objects.select_related("user"):
        token.expires = expires
        token.read_only = False
        token.password_stamp = hashlib.sha256(token.user.password.encode()).hexdigest()
        token.save(update_fields=["expires", "read_only", "password_stamp"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires",
            field=models.DateTimeField(null=True, verbose_name="expires"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="read_only",
            field=models.BooleanField(default=True, verbose_name="read only"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="password_stamp",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires",
            field=models.DateTimeField(verbose_name="expires"),
        ),
        migrations.CreateModel(
            name="AccessChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "at",
                    models.DateTimeField(
                        db_index=True, default=django.utils.timezone.now, verbose_name="when"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("operator", "operator flag"),
                            ("superuser", "superuser flag"),
                            ("active", "account active"),
                            ("unit_membership", "unit membership"),
                            ("group_membership", "group membership"),
                            ("group_moderator", "group moderator"),
                            ("group_anonymity", "group anonymity"),
                            ("api_token", "API token"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                (
                    "user_email",
                    models.CharField(blank=True, max_length=254, verbose_name="person's e-mail"),
                ),
                ("target", models.CharField(blank=True, max_length=250, verbose_name="of")),
                (
                    "old_value",
                    models.CharField(blank=True, max_length=250, verbose_name="old value"),
                ),
                (
                    "new_value",
                    models.CharField(blank=True, max_length=250, verbose_name="new value"),
                ),
                (
                    "by_email",
                    models.CharField(
                        blank=True, max_length=254, verbose_name="changed by (e-mail)"
                    ),
                ),
                ("via", models.CharField(blank=True, max_length=20, verbose_name="through")),
                (
                    "by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="changed by",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="access_changes",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="person",
                    ),
                ),
            ],
            options={
                "verbose_name": "change of access",
                "verbose_name_plural": "changes of access",
                "ordering": ["-at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="PasswordResetRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("email", models.CharField(db_index=True, max_length=254)),
                ("ip_address", models.GenericIPAddressField(db_index=True, null=True)),
                (
                    "at",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                ),
            ],
        ),
    ]
