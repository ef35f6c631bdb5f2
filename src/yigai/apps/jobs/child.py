"""``python -m yigai.apps.jobs.child <job id>``: run one job in this (memory-capped) process."""

from __future__ import annotations

import os
import sys


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yigai.web.settings")
    import django

    django.setup()
    from yigai.apps.jobs.models import Job
    from yigai.apps.jobs.runner import run_in_process

    run_in_process(Job.objects.get(pk=int(argv[0])))


if __name__ == "__main__":
    main(sys.argv[1:])
