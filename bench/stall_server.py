#!/usr/bin/env python3
"""A TCP echo server that stalls 300 ms once a second (bench/openloop.sh).

One thread per connection. From 0.5 s to 0.8 s of every second since the
server started, whatever arrives is held and echoed at the end of the
stall: the server the coordinated-omission experiment measures. Prints
the port it listens on (127.0.0.1, port 0: the kernel's choice), then
serves until killed.

Usage: python3 bench/stall_server.py [STALL_MS] [PERIOD_MS]
"""
import socket
import sys
import threading
import time

STALL = int(sys.argv[1]) / 1000 if len(sys.argv) > 1 else 0.3
PERIOD = int(sys.argv[2]) / 1000 if len(sys.argv) > 2 else 1.0
EPOCH = time.monotonic()


def serve(c):
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    with c:
        while True:
            try:
                data = c.recv(65536)
            except OSError:
                return
            if not data:
                return
            phase = (time.monotonic() - EPOCH) % PERIOD
            start = PERIOD / 2
            if start <= phase < start + STALL:
                time.sleep(start + STALL - phase)
            try:
                c.sendall(data)
            except OSError:
                return


def main():
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(4096)
    print(ls.getsockname()[1], flush=True)
    while True:
        c, _ = ls.accept()
        threading.Thread(target=serve, args=(c,), daemon=True).start()


if __name__ == "__main__":
    main()
