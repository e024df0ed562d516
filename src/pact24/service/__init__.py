"""The live service: a JSON API over the store, a timer for deadlines, webhooks and reminders.

Layers, from the outside in:

* ``app`` — the FastAPI factory; ``api/`` holds the JSON routes (and ``web`` the HTML pages);
* ``core.Service`` — the service layer: one method per unit of work, shared by every front;
* the domain modules (``guarantees``, ``deliberation``, ``accounts``, ``exports``,
  ``transparency``, ``webhooks``, ``reminders``) — functions that take a session;
* ``pact24.store`` — tables, migrations and the all-or-nothing append; ``pact24.mechanism``
  judges every event.

See docs/service.md.
"""
