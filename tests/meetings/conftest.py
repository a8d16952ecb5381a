"""A group's cycle planned as proposed (units A and B hosting in turn, 2025–2026)."""

import pytest

from benchlearn.meetings.services import meetings_plan, plan_proposal


@pytest.fixture(autouse=True)
def _files_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def planned(programme, group, moderator):
    """The eight meetings of the group's cycle (with everybody of ``programme``)."""
    return meetings_plan(group=group, by=moderator, rows=plan_proposal(group))


@pytest.fixture
def first(planned):
    return planned[0]


def plan_data(group, changes=None):
    """The plan form's fields as proposed, with ``changes`` (row index → field → value)."""
    data = {
        "m-TOTAL_FORMS": "8",
        "m-INITIAL_FORMS": "8",
        "m-MIN_NUM_FORMS": "8",
        "m-MAX_NUM_FORMS": "8",
    }
    for i, row in enumerate(plan_proposal(group)):
        fields = {
            "date": row.date.isoformat(),
            "start_time": "10:00",
            "end_time": "14:00",
            "host": str(row.host.pk),
            "place": "",
            **(changes or {}).get(i, {}),
        }
        data.update({f"m-{i}-{key}": value for key, value in fields.items()})
    return data
