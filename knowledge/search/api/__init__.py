"""The search API: `GET /api/v1/knowledge/search/`."""
