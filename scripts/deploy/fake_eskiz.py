"""An SMS gateway that speaks Eskiz's protocol (login, send, status), for the local deployment
(scripts/deploy-local.sh): the edge of the world, played on this machine. Every message it
accepts is appended to a JSON-lines file, where the smoke test reads the codes.

    python3 fake_eskiz.py PORT EMAIL PASSWORD MESSAGES_FILE
"""
import json
import sys
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

PORT, EMAIL, PASSWORD, MESSAGES = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
TOKENS = set()


class Gateway(BaseHTTPRequestHandler):
    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def form(self):
        length = int(self.headers.get("content-length") or 0)
        fields = parse_qs(self.rfile.read(length).decode())
        return {k: v[0] for k, v in fields.items()}

    def bearer_ok(self):
        auth = self.headers.get("authorization", "")
        return auth.startswith("Bearer ") and auth[7:] in TOKENS

    def do_POST(self):
        if self.path == "/api/auth/login":
            form = self.form()
            if form.get("email") != EMAIL or form.get("password") != PASSWORD:
                return self.answer(401, {"message": "Invalid credentials"})
            token = uuid.uuid4().hex
            TOKENS.add(token)
            return self.answer(200, {"message": "token_generated", "data": {"token": token}})
        if self.path == "/api/message/sms/send":
            if not self.bearer_ok():
                return self.answer(401, {"message": "Expired"})
            form = self.form()
            message_id = uuid.uuid4().hex
            with open(MESSAGES, "a") as out:
                out.write(json.dumps({"id": message_id, "to": form.get("mobile_phone"),
                                      "text": form.get("message"), "from": form.get("from")}) + "\n")
            return self.answer(200, {"id": message_id, "message": "Waiting for SMS provider", "status": "waiting"})
        self.answer(404, {"message": "not found"})

    def do_GET(self):
        if self.path.startswith("/api/message/sms/status_by_id/") and self.bearer_ok():
            return self.answer(200, {"status": "success", "data": {"status": "DELIVRD"}})
        self.answer(404, {"message": "not found"})

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", PORT), Gateway).serve_forever()
