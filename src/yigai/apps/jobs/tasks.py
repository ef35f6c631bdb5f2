"""The one huey task: run a job by its id (the queue carries nothing else)."""

from __future__ import annotations

from huey.contrib.djhuey import HUEY, db_task

from yigai.apps.jobs.models import Job


@db_task()  # type: ignore[untyped-decorator]  # huey is untyped
def job_task(job_id: int) -> None:
    from yigai.apps.jobs.runner import run_in_process, run_limited

    job = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).first()
    if job is None:
        return
    job.state = Job.State.RUNNING
    job.save(update_fields=["state", "updated_at"])
    if HUEY.immediate:
        run_in_process(job)
    else:
        run_limited(job)
