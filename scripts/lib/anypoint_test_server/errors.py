"""Anypoint's error body: {"error": <reason phrase>, "message": <text>} (the spec's 400/404 examples)."""

from http import HTTPStatus


class AnypointError(Exception):
    def __init__(self, status, message, headers=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}

    def body(self):
        return {"error": HTTPStatus(self.status).phrase, "message": self.message}
