"""Pages of data collection: rounds, a unit's form, the operator's review, history.

Every page works without JavaScript. Saving is a plain POST that carries the revision of
every value the page showed, so a double click, a resent request or a second person's
save never overwrites anything silently: the services write nothing twice and report
conflicts, and the page shows them next to the fields.
"""

from benchlearn.collection.views.form import (
    submission_check_view,
    submission_form,
    submission_signoff_request_view,
    submission_submit_view,
)
from benchlearn.collection.views.history import (
    submission_history_view,
    value_history_view,
    value_restore_view,
)
from benchlearn.collection.views.review import (
    submission_approve_view,
    submission_reopen_view,
    submission_return_view,
)
from benchlearn.collection.views.rounds import (
    round_close_view,
    round_create_view,
    round_detail,
    round_list,
    round_open_view,
    round_remind_view,
    round_reopen_view,
    round_signoff_view,
)
from benchlearn.collection.views.signoff import (
    submission_signoff_confirm_view,
    submission_signoff_send_back_view,
)

__all__ = [
    "round_close_view",
    "round_create_view",
    "round_detail",
    "round_list",
    "round_open_view",
    "round_remind_view",
    "round_reopen_view",
    "round_signoff_view",
    "submission_approve_view",
    "submission_check_view",
    "submission_form",
    "submission_history_view",
    "submission_reopen_view",
    "submission_return_view",
    "submission_signoff_confirm_view",
    "submission_signoff_request_view",
    "submission_signoff_send_back_view",
    "submission_submit_view",
    "value_history_view",
    "value_restore_view",
]
