"""Find PostgreSQL and Redis for `make run` / `make test`, or fall back, and print shell exports.

- DATABASE_URL set: used as is. Else PostgreSQL on localhost:5432; else a project-local server under
  var/pgdata (pgserver package). The database is created if missing.
- REDIS_URL set: used as is. Else Redis on localhost:6379; else none: tasks run in-process and the
  cache is in memory (said on stderr).
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_NAME = "pilotage_npru"


def log(message: str) -> None:
    print(f"[services] {message}", file=sys.stderr)


def _server_url(database_url: str) -> str:
    """The same server's maintenance database; `postgres:///name` (local socket) keeps its `//`."""
    parts = urlsplit(database_url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme}://{parts.netloc}/postgres{query}"


def _answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


def _local_pgserver_url(db_name: str) -> str:
    import pgserver

    pgdata = ROOT / "var" / "pgdata"
    pgdata.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    log(f"aucun PostgreSQL ne répond : serveur local démarré dans {pgdata}")
    return server.get_uri(db_name)


def ensure_database(db_name: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        candidate = f"postgres://postgres@localhost:5432/{db_name}"
        url = candidate if _answers(_server_url(candidate)) else _local_pgserver_url(db_name)
    name = urlsplit(url).path.lstrip("/") or db_name
    with psycopg.connect(_server_url(url), autocommit=True, connect_timeout=5) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
            log(f"base de données « {name} » créée")
    return url


def ensure_redis() -> str:
    url = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
        return url
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
        log("Redis ne répond pas : tâches exécutées dans le processus web, cache en mémoire")
        return ""


def main() -> None:
    db_name = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_DB_NAME
    print(f"export DATABASE_URL='{ensure_database(db_name)}'")
    print(f"export REDIS_URL='{ensure_redis()}'")


if __name__ == "__main__":
    main()
