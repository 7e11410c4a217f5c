"""The WSGI entry point: `gunicorn wsgi:app` (settings in gunicorn.conf.py)."""

from searchapp import create_app

app = create_app()
