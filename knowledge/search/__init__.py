"""Korean search over the manuals, call mode, synonyms and search gaps.

Callers use `knowledge.search.interface`: `search(user=, client=, query=, limit=)` (the permission
rule applied there), `index_articles(ids)` / `remove_articles(ids)` / `helpfulness_changed(ids)`
(told on commit when articles change) and `rebuild(client=None)`. The backend behind it is chosen
by the database vendor (`backends.get_backend()`), and an unsupported vendor stops start-up
(`knowledge/search/checks.py`).

This package imports nothing itself, so the models (`knowledge/search/models.py`) and the rest of
the app import its modules without pulling in the engine, Kiwi or the backends.
"""
