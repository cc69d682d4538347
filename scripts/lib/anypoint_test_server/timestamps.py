"""ISO 8601 UTC with milliseconds, as Anypoint's audit dates are written."""

import datetime


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
