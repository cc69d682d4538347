"""Reading a request body, by Content-Length or chunked, with a size limit."""

MAX_BODY = 16 * 1024 * 1024


class BadBody(ValueError):
    """The body cannot be read; the message says why, and names no byte of it."""


def read_body(headers, rfile, chunked_allowed=True) -> bytes:
    if "chunked" in (headers.get("Transfer-Encoding") or "").lower():
        if not chunked_allowed:
            raise BadBody("chunked bodies are not accepted")
        return _read_chunked(rfile)
    length = headers.get("Content-Length")
    if not length:
        return b""
    try:
        n = int(length)
    except ValueError:
        raise BadBody("bad Content-Length") from None
    if n < 0 or n > MAX_BODY:
        raise BadBody("body too large")
    return rfile.read(n)


def _read_chunked(rfile) -> bytes:
    chunks, total = [], 0
    while True:
        line = rfile.readline(1024)
        try:
            size = int(line.split(b";")[0].strip(), 16)
        except ValueError:
            raise BadBody("malformed chunked body") from None
        if size == 0:
            while rfile.readline(1024).strip():
                pass  # trailers
            return b"".join(chunks)
        total += size
        if total > MAX_BODY:
            raise BadBody("body too large")
        chunks.append(rfile.read(size))
        rfile.readline(1024)
