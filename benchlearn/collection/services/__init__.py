"""Writes of data collection: rounds, values and the submission workflow.

Every service is keyword-only, checks permissions itself (``require``), runs in a
transaction, and raises ``CollectionError`` (nothing stored) when the step cannot be done.
Every change of a value goes through ``writer.values_write_many``, which writes its
``ValueChange`` row: no other code updates a ``Value``.

One module per concern: ``rounds``, ``saving`` (a submission's page), ``imports``
(files and the CLI), ``workflow`` (submit, return, approve, reopen, restore), the
``writer`` they all write values through, and ``common``.

Concurrency: a page carries the revision of every value it showed (``base_revisions``,
from ``selectors.submission_revisions``) and the submission's revision (for submit). A
save from an older revision of a value that someone else changed meanwhile stores
nothing and returns the conflicts; saving again with the new revisions keeps one's own.
"""

from benchlearn.collection.services.common import CollectionError, SubmissionBlocked
from benchlearn.collection.services.imports import (
    ImportEntries,
    ImportErrors,
    ImportResult,
    values_import,
)
from benchlearn.collection.services.rounds import (
    round_close,
    round_create,
    round_open,
    round_reopen,
    round_signoff_set,
)
from benchlearn.collection.services.saving import Conflict, SaveResult, submission_save
from benchlearn.collection.services.workflow import (
    submission_approve,
    submission_reopen,
    submission_return,
    submission_signoff_confirm,
    submission_signoff_request,
    submission_signoff_send_back,
    submission_submit,
    value_restore,
)

__all__ = [
    "CollectionError",
    "Conflict",
    "ImportEntries",
    "ImportErrors",
    "ImportResult",
    "SaveResult",
    "SubmissionBlocked",
    "round_close",
    "round_create",
    "round_open",
    "round_reopen",
    "round_signoff_set",
    "submission_approve",
    "submission_reopen",
    "submission_return",
    "submission_save",
    "submission_signoff_confirm",
    "submission_signoff_request",
    "submission_signoff_send_back",
    "submission_submit",
    "value_restore",
    "values_import",
]
