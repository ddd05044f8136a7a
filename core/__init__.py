"""Ground-floor helpers shared by every app: no models, no imports from the apps."""
