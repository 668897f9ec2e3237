"""Gunicorn settings read from the environment, with defaults from the host's CPUs.

    gunicorn -c config/gunicorn.conf.py config.wsgi:application

GUNICORN_WORKERS      processes (default: 2 × CPUs + 1, at most 12); CPUs counted from the
                      container's CPU quota (cgroup v2 cpu.max) when there is one, else the CPUs
                      this process may run on
GUNICORN_WORKER_CLASS sync or gthread (default gthread: a thread waiting on PostgreSQL or Redis
                      does not hold a whole process)
GUNICORN_THREADS      threads per gthread worker (default 4)
GUNICORN_TIMEOUT      seconds before a stuck worker is restarted (default 60)
GUNICORN_BIND         default 0.0.0.0:8000
"""

import math
import os
from pathlib import Path


def host_cpus() -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    quota = Path("/sys/fs/cgroup/cpu.max")
    try:
        limit, period = quota.read_text().split()
        if limit != "max":
            cpus = min(cpus, max(1, math.ceil(int(limit) / int(period))))
    except (OSError, ValueError):
        pass
    return max(1, cpus)


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = _int("GUNICORN_WORKERS", min(2 * host_cpus() + 1, 12))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = _int("GUNICORN_THREADS", 4 if worker_class == "gthread" else 1)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so that a slow leak never grows without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
accesslog = "-"
errorlog = "-"
