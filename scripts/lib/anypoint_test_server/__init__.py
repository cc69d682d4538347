"""A loopback stand-in for MuleSoft Anypoint: Access Management token, API Manager instances and policies."""
