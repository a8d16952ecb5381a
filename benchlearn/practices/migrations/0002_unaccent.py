"""The unaccent extension for the search's accent-insensitive matching on PostgreSQL.

Creating an extension needs rights a site's database user may not have: then the
search works on the folded columns the services keep (``search.fold``), as on SQLite,
and this migration does nothing rather than fail."""

from typing import Any

from django.db import DatabaseError, migrations


def create_unaccent(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SAVEPOINT practices_unaccent")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        except DatabaseError:
            cursor.execute("ROLLBACK TO SAVEPOINT practices_unaccent")
        else:
            cursor.execute("RELEASE SAVEPOINT practices_unaccent")


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]

    operations = [migrations.RunPython(create_unaccent, migrations.RunPython.noop)]
