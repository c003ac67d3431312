"""Background work: rendering official PDFs, so that no request waits for WeasyPrint.

Enqueued through Django's tasks API (the django-tasks backport on Django 5.2) once the
enqueuing transaction has committed. With the thread backend (the default) a thread of the same
process runs the task after the request; with the inline backend it runs as it is enqueued;
with the database backend a ``db_worker`` process runs it. Pages show 正在生成 until the PDF is
stored, and every request for a PDF that is still missing enqueues it again: a task lost with
its process (or failed, and logged) is run again when someone asks for it.
"""

import logging

from django.db import transaction
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task, task_backends
from django_tasks.backends.immediate import ImmediateBackend

from perfeval.background import ThreadBackend

from . import archive
from .models import ApprovedVersion

logger = logging.getLogger(__name__)


def runs_inline() -> bool:
    """Whether enqueued tasks run at once, in the enqueuing request."""
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    return isinstance(backend, ImmediateBackend) and not isinstance(backend, ThreadBackend)


@task()
def official_pdf_render_task(version_id: int) -> str | None:
    """Render and store one approved version's PDF; its SHA-256.

    None, storing nothing, when the report was reopened (or approved again) before the task
    ran: the version is no longer what the report stands at (``archive.NotCurrent``).
    """
    version = ApprovedVersion.objects.select_related("report__department").get(pk=version_id)
    try:
        return archive.official_pdf_render(version=version).sha256
    except archive.NotCurrent as refused:
        logger.info("official PDF not rendered: %s", refused)
        return None


def official_pdf_enqueue(*, version_ids) -> None:
    """Render these versions' PDFs once the current transaction has committed."""
    ids = list(version_ids)

    def enqueue():
        for pk in ids:
            official_pdf_render_task.enqueue(pk)

    transaction.on_commit(enqueue)
