"""Uploaded files kept in the site's storage beside the rows that describe them (a
meeting's attachments, a board post's, a progress report's)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import models


def save_with_file(row: models.Model, field: str, name: str, upload: UploadedFile[Any]) -> None:
    """Store ``upload`` as ``name`` in ``row``'s file field ``field``, then save the row.
    A file stored for a row that then fails to save is removed again: the storage keeps
    no file that no row describes."""
    stored_file = getattr(row, field)
    stored_file.save(name, upload, save=False)
    stored = stored_file.name
    try:
        row.save()
    except Exception:
        stored_file.storage.delete(stored or "")
        raise
