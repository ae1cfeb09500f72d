"""A fake OpenAI Files + Batches server on loopback, answering lines as FakeServer would.

Implements what `llm-extract batch` uses: POST /v1/files (multipart upload), POST
/v1/batches, GET /v1/batches/{id}, GET /v1/files/{id}/content. Each request line is
answered with `FakeServer.completion` (the same deterministic answer the fake chat server
gives online), so a batch run and an online run against `FakeServer` must agree exactly.
Chat completions sent online still work (and are counted in `requests`), so a test can
assert that a batch run made none.

Scenarios: `polls` retrieves before a batch completes; `fail_lines` request lines (by
their body's last user message containing a marker) answered as errors in the error file
the first `fail_times` times they are submitted; `expire_rounds` batch numbers that end
`expired` with no output at all.
"""

from __future__ import annotations

import email.parser
import email.policy
import itertools
import json
import threading
from typing import Any

from typing_extensions import Self

from tests.fake_server import FakeServer, _Handler, last_user_message


class FakeBatchServer(FakeServer):
    def __init__(
        self,
        *,
        polls: int = 1,
        fail_marker: str | None = None,
        fail_times: int = 1,
        expire_rounds: frozenset[int] = frozenset(),
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.polls = polls
        self.fail_marker = fail_marker
        self.fail_times = fail_times
        self.expire_rounds = expire_rounds
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.batch_lines: list[int] = []  # lines per created batch, in order
        self._failed: dict[str, int] = {}
        self._ids = itertools.count(1)
        self._batch_lock = threading.Lock()

    def start(self) -> Self:
        server: FakeBatchServer = self

        class Handler(_BatchHandler):
            fake = server

        from http.server import ThreadingHTTPServer

        self._stopping.clear()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    @property
    def chat_calls(self) -> int:
        return len(self.requests)

    def new_id(self, prefix: str) -> str:
        return f"{prefix}-{next(self._ids)}"

    def run_batch(self, batch: dict[str, Any]) -> None:
        """Answer every line of the batch's input file now; status follows on polling."""
        lines = [json.loads(x) for x in self.files[batch["input_file_id"]].splitlines() if x]
        self.batch_lines.append(len(lines))
        if len(self.batch_lines) in self.expire_rounds:
            batch["_final"] = "expired"
            return
        out, err = [], []
        for line in lines:
            body = line["body"]
            marker = self.fail_marker
            if marker and marker in last_user_message(body):
                seen = self._failed.get(line["custom_id"], 0)
                if seen < self.fail_times:
                    self._failed[line["custom_id"]] = seen + 1
                    err.append(
                        {
                            "id": self.new_id("req"),
                            "custom_id": line["custom_id"],
                            "response": None,
                            "error": {"code": "server_error", "message": "fake line failure"},
                        }
                    )
                    continue
            answer = {"status_code": 200, "request_id": "r", "body": self.completion(body, "ok")}
            out.append({"id": self.new_id("req"), "custom_id": line["custom_id"],
                        "response": answer, "error": None})  # fmt: skip
        batch["_final"] = "completed"
        if out:
            batch["_output"] = self.store("\n".join(json.dumps(x) for x in out) + "\n")
        if err:
            batch["_errors"] = self.store("\n".join(json.dumps(x) for x in err) + "\n")
        batch["request_counts"] = {"total": len(lines), "completed": len(out), "failed": len(err)}

    def store(self, text: str) -> str:
        file_id = self.new_id("file")
        self.files[file_id] = text.encode("utf-8")
        return file_id


class _BatchHandler(_Handler):
    fake: FakeBatchServer

    def do_POST(self) -> None:
        path = self.path.rstrip("/")
        if path.endswith("/files"):
            self._upload()
        elif path.endswith("/batches"):
            self._create()
        else:
            super().do_POST()

    def do_GET(self) -> None:
        parts = self.path.rstrip("/").split("/")
        fake = self.fake
        with fake._batch_lock:
            if len(parts) >= 2 and parts[-2] == "batches" and parts[-1] in fake.batches:
                self._send(200, self._retrieve(fake.batches[parts[-1]]))
            elif parts[-1] == "content" and parts[-2] in fake.files:
                data = fake.files[parts[-2]]
                head = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                head += f"Content-Length: {len(data)}\r\n\r\n"
                self.wfile.write(head.encode() + data)
            else:
                self._send(404, {"error": {"message": f"no route {self.path}"}})

    def _retrieve(self, batch: dict[str, Any]) -> dict[str, Any]:
        batch["_polls"] = batch.get("_polls", 0) + 1
        if batch["_polls"] > self.fake.polls:
            batch["status"] = batch["_final"]
            batch["output_file_id"] = batch.get("_output")
            batch["error_file_id"] = batch.get("_errors")
        return {k: v for k, v in batch.items() if not k.startswith("_")}

    def _upload(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        head = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + raw)
        fields = {
            part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
            for part in message.iter_parts()
        }
        upload = fields.get("file")
        if fields.get("purpose") != b"batch" or not isinstance(upload, bytes) or not upload:
            self._send(400, {"error": {"message": "need purpose=batch and a file"}})
            return
        with self.fake._batch_lock:
            file_id = self.fake.store(upload.decode("utf-8"))
        self._send(200, {"id": file_id, "object": "file", "bytes": len(upload),
                         "created_at": 0, "filename": "batch.jsonl", "purpose": "batch",
                         "status": "processed"})  # fmt: skip

    def _create(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        fake = self.fake
        with fake._batch_lock:
            if body.get("input_file_id") not in fake.files:
                self._send(400, {"error": {"message": "unknown input_file_id"}})
                return
            batch: dict[str, Any] = {
                "id": fake.new_id("batch"),
                "object": "batch",
                "endpoint": body.get("endpoint"),
                "completion_window": body.get("completion_window"),
                "input_file_id": body["input_file_id"],
                "status": "validating",
                "created_at": 0,
                "output_file_id": None,
                "error_file_id": None,
                "metadata": body.get("metadata"),
            }
            fake.run_batch(batch)
            fake.batches[batch["id"]] = batch
            self._send(200, {k: v for k, v in batch.items() if not k.startswith("_")})
