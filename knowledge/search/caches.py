"""The versions of the search result cache (core.caching), bumped by the index and synonym models."""

from __future__ import annotations

from core.caching import Version

# Any write to the index tables (documents, vocabulary): cached result lists are from before it.
INDEX = Version("knowledge:search:index:version")
# Any change to the synonym table: every process rebuilds its synonym map.
SYNONYMS = Version("knowledge:search:synonyms:version")
