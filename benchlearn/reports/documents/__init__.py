"""What the PDF reports hold, read from stored results (the pages' selectors), and the
reports themselves: a unit's report (its dashboard table, a profile chart of every domain
and a bar chart of every indicator), an exchange group's report and a meeting's pack
(its agenda, the host's practice, the previous meeting's open action items and the
group report's results pages) and a unit's improvement plan.

Each report becomes the data of its Typst template (``typst/unit.typ``,
``typst/group.typ``, ``typst/meeting.typ``; see ``pdf.render_pdf``): every text
translated here and every number formatted here, with the pages' formatter, so the
templates hold no words.

Who sees what follows the comparison pages: a group's members are named or lettered as
the group chose (``labels_for``; operators see names), the viewer's own unit is always
named and marked. A moderator or an operator has no unit of their own in the group, so
their report marks none.
"""

from benchlearn.reports.documents.group_report import (
    GroupIndicator,
    GroupMemberRow,
    GroupReport,
    group_report_for,
    group_report_pdf,
)
from benchlearn.reports.documents.meeting_pack import (
    MeetingPack,
    meeting_pack_for,
    meeting_pack_pdf,
)
from benchlearn.reports.documents.plan import PlanDocument, plan_document_for, plan_pdf
from benchlearn.reports.documents.survey_print import letters_pdf, paper_pdf
from benchlearn.reports.documents.survey_report import survey_comparison_pdf, survey_unit_pdf
from benchlearn.reports.documents.unit_report import (
    UnitIndicator,
    UnitReport,
    unit_report_for,
    unit_report_pdf,
)

__all__ = [
    "GroupIndicator",
    "GroupMemberRow",
    "GroupReport",
    "MeetingPack",
    "PlanDocument",
    "UnitIndicator",
    "UnitReport",
    "group_report_for",
    "group_report_pdf",
    "letters_pdf",
    "meeting_pack_for",
    "meeting_pack_pdf",
    "paper_pdf",
    "plan_document_for",
    "plan_pdf",
    "survey_comparison_pdf",
    "survey_unit_pdf",
    "unit_report_for",
    "unit_report_pdf",
]
