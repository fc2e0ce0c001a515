"""Server-rendered pages for every role: Jinja2 templates, htmx fragments, live over SSE.

Pages call the services in-process on the server (the same use cases as the JSON API);
the browser only loads HTML fragments with htmx and listens to Server-Sent Events to know
when to reload one. All text comes from one message catalog (:mod:`renfort.web.i18n`).
"""
