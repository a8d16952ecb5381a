"""What the URL walk needs of the public portal: the walk's computation published."""

from benchlearn.results.models import Computation
from benchlearn.results.publication import computation_publish


def public_parameters(operator) -> dict[str, str]:
    computation = Computation.objects.filter(state="done").order_by("-pk").first()
    assert computation is not None, "the walk computes results first"
    computation_publish(computation=computation, by=operator)
    return {
        "year": str(computation.last_period),
        "computation_id": str(computation.pk),
        "fmt": "xlsx",
        "dimension": "kind",
    }
