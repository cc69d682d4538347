"""Graph timestamps held as 100 ns ticks since the Unix epoch.

Graph serialises DateTimeOffset with up to seven fractional digits
(e.g. 2021-09-09T19:50:29.3086381Z) and without a fraction when it is zero;
keeping ticks lets the server emit exactly that, so clients meet the real format.
"""

import calendar
import re
import threading
import time

TICKS_PER_SECOND = 10_000_000
TICKS_PER_DAY = 86_400 * TICKS_PER_SECOND

_offset_lock = threading.Lock()
_offset_ticks = 0

_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?"
    r"(Z|z|[+-]\d{2}:?\d{2})?$"
)


def set_clock_offset(seconds: float) -> None:
    """Shifts the server's idea of now, so tests can age credentials without waiting."""
    global _offset_ticks
    with _offset_lock:
        _offset_ticks = int(seconds * TICKS_PER_SECOND)


def clock_offset_seconds() -> float:
    return _offset_ticks / TICKS_PER_SECOND


def now_ticks() -> int:
    return time.time_ns() // 100 + _offset_ticks


def now_seconds() -> int:
    return now_ticks() // TICKS_PER_SECOND


def format_ticks(ticks: int) -> str:
    seconds, frac = divmod(ticks, TICKS_PER_SECOND)
    text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
    if frac:
        text += "." + f"{frac:07d}".rstrip("0")
    return text + "Z"


def format_inner_error_date(ticks: int) -> str:
    # innerError.date carries no zone and no fraction in Graph's own examples.
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ticks // TICKS_PER_SECOND))


def format_token_timestamp(ticks: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime(ticks // TICKS_PER_SECOND))


def parse_datetime(text: str) -> int:
    """ISO 8601 to ticks; a missing zone is UTC, as the Python SDK sends naive datetimes that way."""
    if not isinstance(text, str):
        raise ValueError("not a string")
    m = _ISO.match(text.strip())
    if not m:
        raise ValueError(f"not an ISO 8601 date-time: {text!r}")
    year, month, day, hour, minute = (int(m.group(i)) for i in range(1, 6))
    second = int(m.group(6) or 0)
    frac = (m.group(7) or "")[:7].ljust(7, "0")
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour <= 23 and minute <= 59 and second <= 59):
        raise ValueError(f"date-time out of range: {text!r}")
    seconds = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))
    zone = m.group(8)
    if zone and zone not in ("Z", "z"):
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        seconds -= sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    return seconds * TICKS_PER_SECOND + int(frac)


def add_years(ticks: int, years: int) -> int:
    """Calendar years, as Graph's default 'startDateTime + 2 years' means; 29 Feb falls back to 28 Feb."""
    seconds, frac = divmod(ticks, TICKS_PER_SECOND)
    t = time.gmtime(seconds)
    day = t.tm_mday
    if t.tm_mon == 2 and day == 29:
        day = 28
    shifted = calendar.timegm((t.tm_year + years, t.tm_mon, day, t.tm_hour, t.tm_min, t.tm_sec, 0, 0, 0))
    return shifted * TICKS_PER_SECOND + frac
