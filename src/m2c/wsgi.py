import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "m2c.settings")
application = get_wsgi_application()

import m2c.api_urls  # noqa: E402, F401 (the API at start, not on a first request)
