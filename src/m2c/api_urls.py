"""The API's URL patterns, imported on first use.

``m2c.urls`` names this module instead of importing the API: building its routers and schemas costs ~1.8 s
of CPU, which every process that only reverses a web URL (the import command and workers writing a
notification's link) used to pay. A web process pays it on its first API request or first page (the
menu links to the API documentation); ``m2c.wsgi`` imports it at start.
"""

from m2c.api import api

urlpatterns, app_name, _namespace = api.urls
