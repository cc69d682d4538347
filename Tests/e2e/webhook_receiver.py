"""A webhook receiver on 127.0.0.1 that records every request it gets (path, headers, body) and answers with the
status the test sets, so notices can be counted, read and scanned for secret text."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class WebhookReceiver:
    def __init__(self):
        self.requests = []
        self.status = 200
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver._lock:
                    receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                    status = receiver.status
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def count(self):
        with self._lock:
            return len(self.requests)

    def since(self, start):
        with self._lock:
            return self.requests[start:]

    def json_bodies(self, start=0, path=None):
        return [json.loads(r["body"]) for r in self.since(start) if path is None or r["path"] == path]

    def raw_log(self):
        """Everything received, as one text: what a secret scan reads."""
        with self._lock:
            return "\n".join(
                r["path"] + "\n" + json.dumps(r["headers"]) + "\n" + r["body"].decode("utf-8", "replace")
                for r in self.requests)

    def close(self):
        self.server.shutdown()
        self.server.server_close()
