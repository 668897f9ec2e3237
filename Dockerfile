# Pilotage NPRU — application image (web, worker and beat share it).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.prod \
    PIP_NO_CACHE_DIR=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY config config
COPY core core
COPY accounts accounts
COPY projects projects
RUN pip install .
COPY . .
RUN DJANGO_SECRET_KEY=build DJANGO_ALLOWED_HOSTS=localhost DATABASE_URL=postgres://build/build \
    python manage.py collectstatic --noinput

RUN useradd --create-home --uid 1000 npru && mkdir -p /app/var/media && chown -R npru /app/var
USER npru
EXPOSE 8000
# Workers and their class come from the host (config/gunicorn.conf.py; GUNICORN_* variables).
CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi:application"]
