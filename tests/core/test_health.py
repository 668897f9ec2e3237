from django.urls import reverse


def test_healthz_reports_database_and_cache(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["cache"]["ok"] is True


def test_healthz_reports_a_dead_redis_without_hanging(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["ok"] is False
