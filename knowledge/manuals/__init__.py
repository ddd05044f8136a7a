"""Consultation manuals: articles per client, revisions and review, suggestions, attachments,
feedback, verification reminders, imports and exports. One of the knowledge app's three parts
(with `knowledge.search` and `knowledge.calls`), each laid out the same way."""
