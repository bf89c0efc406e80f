"""A client that walks cases through the closed loop over the REST API, as fast as it can, and
notes in a `Ledger` every write the server acknowledged. Connection errors (the server was
killed) are retried with the same Idempotency-Key once the server answers again."""

import http.client
import json
import random
import struct
import threading
import time
import uuid
import zlib
from typing import Any

from tests.faults.harness import Ledger, Server


def _png() -> bytes:
    """A real 1×1 PNG (uploads are checked by content and pixel count)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


PNG = _png()
LOST = (ConnectionError, http.client.HTTPException, TimeoutError, OSError)


class Driver(threading.Thread):
    def __init__(
        self,
        server: Server,
        fixture: dict[str, Any],
        ledger: Ledger,
        lock: threading.Lock,
        stop: threading.Event,
        seed: int,
    ) -> None:
        super().__init__(daemon=True)
        self.server, self.fixture, self.ledger = server, fixture, ledger
        self.lock, self.stop = lock, stop
        self.rng = random.Random(seed)
        self.errors: list[str] = []

    # --- HTTP -------------------------------------------------------------------------------
    def _send(self, user: str, path: str, body: bytes, content_type: str, key: str) -> tuple:
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        try:
            conn.request(
                "POST",
                path,
                body=body,
                headers={
                    "Authorization": f"Bearer {self.fixture['tokens'][user]}",
                    "Content-Type": content_type,
                    "Idempotency-Key": key,
                },
            )
            reply = conn.getresponse()
            data = reply.read()
        finally:
            conn.close()
        try:
            payload = json.loads(data or b"{}")
        except ValueError:
            payload = {"raw": data[:200].decode("utf-8", "replace")}
        return reply.status, payload

    def post(self, user: str, path: str, *, json_body: dict | None = None, file: bytes = b""):
        """(status, payload), or None when the answer was lost and retries ran out."""
        if file:
            boundary = uuid.uuid4().hex
            body = (
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n'
                    "evidence\r\n"
                    f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                    f'filename="fix.png"\r\nContent-Type: image/png\r\n\r\n'
                ).encode()
                + file
                + f"\r\n--{boundary}--\r\n".encode()
            )
            content_type = f"multipart/form-data; boundary={boundary}"
        else:
            body = json.dumps(json_body or {}, ensure_ascii=False).encode()
            content_type = "application/json"
        key = uuid.uuid4().hex
        for _attempt in range(4):
            if self.stop.is_set():
                return None
            try:
                status, payload = self._send(user, path, body, content_type, key)
            except LOST:
                with self.lock:
                    self.ledger.unknown += 1
                self._wait_for_server()
                continue
            if status == 409 and payload.get("code") == "idempotency_in_progress":
                with self.lock:
                    self.ledger.stuck_keys += 1
                return None
            with self.lock:
                self.ledger.answers[f"{path.rsplit('/', 1)[-1]} {status}"] += 1
            if status >= 500:
                self.errors.append(f"{path}: {status} {payload}")
            return status, payload
        return None

    def _wait_for_server(self) -> None:
        deadline = time.monotonic() + 60
        while not self.stop.is_set() and time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except LOST:
                pass
            time.sleep(0.05)

    # --- the closed loop --------------------------------------------------------------------
    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.lifecycle()
            except Exception as exc:  # noqa: BLE001 - reported by the test
                self.errors.append(f"driver: {type(exc).__name__}: {exc}")
                time.sleep(0.1)

    def lifecycle(self) -> None:
        f = self.fixture
        answer = self.post(
            "resident_a",
            "/api/v1/cases",
            json_body={
                "compound_id": f["compound_a"],
                "unit_id": f["unit_a"],
                "type": "help",
                "title": f"楼道灯不亮 {uuid.uuid4().hex[:6]}",
                "content": "3单元楼道灯坏了一周，晚上很黑。",
            },
        )
        if answer is None or answer[0] != 201:
            return
        case_id, version = answer[1]["id"], answer[1]["version"]
        with self.lock:
            self.ledger.created[case_id] = answer[1]["number"]
        satisfied = self.rng.random() < 0.7
        steps = [
            ("community_worker", "assess", {"category": "repair", "sla_class": "property"}),
            ("community_worker", "dispatch", {"level": "compound", "company_id": f["company_x"]}),
            ("property_a", "accept", {}),
            ("property_a", "start", {}),
            ("property_a", "evidence", {}),
            ("property_a", "resolve", {"public_reply": "已更换楼道灯，恢复照明。"}),
            (
                "resident_a",
                "visit",
                {
                    "resolved": satisfied,
                    "level": "satisfied" if satisfied else "dissatisfied",
                },
            ),
        ]
        # Some cases stop half way, so that the scheduler finds deadlines to breach.
        stop_after = self.rng.choice([2, 3, 4, len(steps), len(steps), len(steps)])
        for user, action, body in steps[:stop_after]:
            if action == "evidence":
                answer = self.post(user, f"/api/v1/cases/{case_id}/attachments", file=PNG)
                if answer is None or answer[0] != 201:
                    return
                continue
            answer = self.post(
                user,
                f"/api/v1/cases/{case_id}/{action}",
                json_body={**body, "expected_version": version},
            )
            if answer is None or answer[0] != 200:
                return  # escalated, auto-closed, or answer lost: the next case
            version = answer[1]["version"]
            with self.lock:
                self.ledger.moved.append((case_id, action, version))
                if action == "visit":
                    self.ledger.rated.add((case_id, 1))
