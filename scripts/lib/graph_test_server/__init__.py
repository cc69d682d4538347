"""A Microsoft Graph v1.0 and Entra token endpoint stand-in, served on loopback for Clientele's tests."""
