"""gunicorn settings for `gunicorn wsgi:app`, read from the working directory.

Override any of them on the command line (`gunicorn -w 4 wsgi:app`) or with
GUNICORN_CMD_ARGS. The values are searchapp.server.DEFAULTS, shared with `scrapesearch serve`.
"""

from searchapp.server import DEFAULTS

globals().update(DEFAULTS)
