"""Reading views may only read: any write attempted while they run is refused by the database layer."""

from functools import wraps

from django.db import connection


class WriteInReadOnlyView(RuntimeError):
    pass


def _reject_writes(execute, sql, params, many, context):
    statement = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    if statement not in {"SELECT", "WITH", "SAVEPOINT", "RELEASE", "ROLLBACK", "SET", "SHOW"}:
        raise WriteInReadOnlyView(f"Écriture refusée dans une vue en lecture seule : {sql[:80]}")
    return execute(sql, params, many, context)


def readonly(view):
    """Wrap a GET view (dashboard, list, export) so that it cannot write to the database."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        with connection.execute_wrapper(_reject_writes):
            return view(request, *args, **kwargs)

    return wrapper
