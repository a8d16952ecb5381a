import datetime

from django import template
from django.conf import settings
from django.utils import timezone
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend

from benchlearn.background.models import WorkerBeat

register = template.Library()


@register.simple_tag
def no_worker_running() -> bool:
    """True when the database queue has no live worker: work queued on a page would
    wait for ever, and the page says so. (Another backend's workers are not known.)"""
    if not isinstance(task_backends["default"], DatabaseBackend):
        return False
    fresh = timezone.now() - datetime.timedelta(seconds=settings.WORKER_STALE_SECONDS)
    return not WorkerBeat.objects.filter(beat_at__gte=fresh).exists()
