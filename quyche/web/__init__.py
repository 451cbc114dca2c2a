"""The HTTP service and the explorer for legal staff (docs/reference.md §6, docs/service.md), and the static site.

``catalog`` (pydantic only) is every view of the rules the pages and ``/v1/articles`` show: articles
with their text, rules with their conditions in words, provenance, the scenarios that cover them, and
why a rule did not fire. ``forms`` builds an event from a form's fields, read off the event models.
``app`` (FastAPI, the extra ``quyche[web]``) serves the JSON API and the pages; ``render`` (Jinja2)
writes the pages, for the service and for ``site`` (``quyche site OUT``). Nothing here is imported by
the core library.
"""
