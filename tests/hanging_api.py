"""An API that accepts connections and never answers: the worst a slow platform can do."""

import socket
import threading


class HangingAPI:
    """Listens on a free loopback port, takes every connection and holds it silent until
    `stop()`. A client sees neither an answer nor a refusal: only its own timeout ends the wait."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._held: list[socket.socket] = []
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def start(self) -> "HangingAPI":
        self._thread.start()
        return self

    def _accept(self) -> None:
        self._listener.settimeout(0.1)
        while not self._stopped.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._held.append(connection)

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=2)
        for connection in self._held:
            connection.close()
        self._listener.close()
