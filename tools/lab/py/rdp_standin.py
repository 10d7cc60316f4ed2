#!/usr/bin/python3
"""Stand-in for an RDP server on TCP 3389: accepts, answers the X.224 Connection Request with a
fixed Connection Confirm, reads what the client sends for a moment, then closes.

There is no RDP server in Debian that runs headless in a namespace without a desktop stack, so
hydra's rdp module talks to this. Its traffic is real TCP handshakes + an RDP negotiation
prefix followed by a server close, which is what a brute-force against RDP looks like on the wire
at flow level (many short connections to 3389 from one source).
"""
import socket
import sys
import threading

# TPKT + X.224 Connection Confirm + RDP Negotiation Response (PROTOCOL_RDP).
CONFIRM = bytes.fromhex('030000130ed00000123400' '0200080000000000')


def serve(conn):
    with conn:
        conn.settimeout(2.0)
        try:
            if conn.recv(4096):
                conn.sendall(CONFIRM)
                conn.recv(4096)
        except OSError:
            pass


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((host, port))
    srv.listen(64)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == '__main__':
    main()
