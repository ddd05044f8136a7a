"""The call-data API, mounted at /api/v1/knowledge/calls/."""
