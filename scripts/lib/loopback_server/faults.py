"""Faults that tests inject through /_control/faults: throttling, outages, broken bodies, resets, delays.

A fault matches by method and a regular expression over the decoded path (no query),
and applies to the next `count` matching requests.
"""

import re
import threading
import uuid
from dataclasses import dataclass
from typing import Optional

KINDS = ("status", "truncate", "non_json", "reset", "delay")


class FaultSpecError(ValueError):
    pass


@dataclass
class Fault:
    id: str
    kind: str
    method: Optional[str]
    path_regex: str
    status: int
    retry_after: Optional[int]
    remaining: int
    delay_ms: int
    code: Optional[str]
    message: Optional[str]

    def as_json(self):
        return {
            "id": self.id, "kind": self.kind, "method": self.method, "path_regex": self.path_regex,
            "status": self.status, "retry_after": self.retry_after, "remaining": self.remaining,
            "delay_ms": self.delay_ms, "code": self.code, "message": self.message,
        }


def _int(spec, name, default, low, high):
    value = spec.get(name, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FaultSpecError(f"'{name}' must be an integer from {low} to {high}")
    return value


class Faults:
    def __init__(self):
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, spec: dict) -> Fault:
        if not isinstance(spec, dict):
            raise FaultSpecError("a fault is a JSON object")
        kind = spec.get("kind") or "status"
        if kind not in KINDS:
            raise FaultSpecError(f"'kind' must be one of {', '.join(KINDS)}")
        pattern = spec.get("path_regex") or ".*"
        try:
            re.compile(pattern)
        except re.error as exc:
            raise FaultSpecError(f"'path_regex' does not compile: {exc}") from None
        method = spec.get("method")
        if method is not None and (not isinstance(method, str) or not method.strip()):
            raise FaultSpecError("'method' must be an HTTP method name")
        default_status = {"status": 429, "non_json": 200, "truncate": 200}.get(kind, 0)
        fault = Fault(
            id=str(uuid.uuid4()),
            kind=kind,
            method=method.upper() if method else None,
            path_regex=pattern,
            status=_int(spec, "status", default_status, 0, 599),
            retry_after=_int(spec, "retry_after", None, 0, 3600),
            remaining=_int(spec, "count", 1, 1, 1_000_000),
            delay_ms=_int(spec, "delay_ms", 0, 0, 600_000),
            code=spec.get("code"),
            message=spec.get("message"),
        )
        if kind == "status" and not 400 <= fault.status <= 599:
            raise FaultSpecError("'status' must be from 400 to 599 for a status fault")
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, method: str, path: str) -> Optional[Fault]:
        """The first fault that matches, with one use spent; faults apply in the order they were added."""
        with self._lock:
            for fault in self._faults:
                if fault.method and fault.method != method:
                    continue
                if not re.search(fault.path_regex, path):
                    continue
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def list(self):
        with self._lock:
            return [f.as_json() for f in self._faults]

    def clear(self):
        with self._lock:
            self._faults.clear()
