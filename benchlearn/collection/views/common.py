"""What the collection pages share."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest

from benchlearn.collection.services import (
    CollectionError,
)


def problems_to_messages(request: HttpRequest, error: CollectionError) -> None:
    for problem in error.problems:
        messages.error(request, problem)
