"""gunicorn settings for a production node and for the benchmarks (gunicorn reads this file from
its working directory): `cd /srv/linli && .venv/bin/gunicorn linli.wsgi`. Command-line flags
override what is set here."""

import multiprocessing
import os

bind = os.environ.get("LINLI_BIND", "127.0.0.1:8000")
worker_class = "gthread"  # threads overlap the waits on PostgreSQL; keep-alive for app clients
workers = int(os.environ.get("LINLI_WORKERS", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("LINLI_THREADS", "2"))
keepalive = 5
backlog = 2048
# the workers' heartbeat file on a memory file system: on a disk every request touches it
SHM = "/dev/shm"  # noqa: S108 (gunicorn creates its own unguessable file in it)
worker_tmp_dir = SHM if os.path.isdir(SHM) else None
