"""A Tyk OSS Gateway API stand-in for Clientele's tests (see README.md)."""
