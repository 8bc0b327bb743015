"""Test fixtures shared by the peer tests: a self-signed certificate for 127.0.0.1 made
at test time (openssl CLI), a free local port, and a TCP server that accepts and then
says nothing (for timeouts). Everything listens on 127.0.0.1 only."""
import os
import socket
import subprocess
import threading


def make_certificate(directory):
    """Returns (cert, key) paths of a fresh self-signed certificate for 127.0.0.1."""
    cert = os.path.join(directory, "cert.pem")
    key = os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    return cert, key


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SilentServer:
    """Accepts connections on 127.0.0.1 and never answers, until closed."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen()
        self.port = self.socket.getsockname()[1]
        self.connections = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        try:
            while True:
                self.connections.append(self.socket.accept()[0])
        except OSError:
            pass

    def close(self):
        for connection in self.connections:
            connection.close()
        self.socket.close()
