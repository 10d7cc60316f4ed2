#!/usr/bin/python3
"""Small lab web app behind nginx: /app/item?id=N and /app/search?q=TEXT.

Deliberately injectable (the id is pasted into the SQL text) so that sqlmap finds something and
its traffic looks like a real injection session rather than a string of 404s. Binds to the
address given on the command line only (inside the lab's server namespace).
"""
import sqlite3
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from html import escape
from urllib.parse import parse_qs, urlparse

DB = sqlite3.connect(':memory:', check_same_thread=False)
DB.executescript(
    "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, price REAL);"
    "INSERT INTO items(name, price) VALUES ('router', 49.0), ('switch', 89.5), ('cable', 3.2),"
    " ('firewall', 399.0), ('sensor', 120.0);"
    "CREATE TABLE users(id INTEGER PRIMARY KEY, login TEXT, secret TEXT);"
    "INSERT INTO users(login, secret) VALUES ('admin', 'labpass'), ('ops', 'hunter2');"
)


class Handler(BaseHTTPRequestHandler):
    server_version = 'labapp/1.0'

    def _send(self, code, body):
        data = body.encode()
        self.send_response(code)
        self.send_header('Content-Type', 'text/html; charset=utf-8')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlparse(self.path)
        qs = parse_qs(url.query)
        path = url.path.removeprefix('/app')
        if path in ('', '/'):
            return self._send(200, '<h1>lab shop</h1><a href="/app/item?id=1">item 1</a>')
        if path == '/item':
            raw = qs.get('id', ['1'])[0]
            try:
                rows = DB.execute('SELECT id, name, price FROM items WHERE id = ' + raw).fetchall()
            except sqlite3.Error as e:
                return self._send(500, '<p>database error: %s</p>' % escape(str(e)))
            return self._send(200, ''.join('<p>%s %s %s</p>' % tuple(map(escape, map(str, r))) for r in rows) or '<p>none</p>')
        if path == '/search':
            q = qs.get('q', [''])[0]
            rows = DB.execute('SELECT name FROM items WHERE name LIKE ?', ('%' + q + '%',)).fetchall()
            return self._send(200, '<p>results for %s</p>%s' % (escape(q), ''.join('<li>%s</li>' % escape(r[0]) for r in rows)))
        # The three below only echo their input (escaped): the lab wants the attack requests on
        # the wire, not a box that actually runs commands or reads files.
        if path == '/ping':
            return self._send(200, '<pre>PING %s: 1 packets transmitted, 1 received</pre>' % escape(qs.get('host', [''])[0]))
        if path == '/download':
            return self._send(404, '<p>no such file: %s</p>' % escape(qs.get('file', [''])[0]))
        if path == '/page':
            return self._send(200, '<p>page %s is under construction</p>' % escape(qs.get('file', ['home'])[0]))
        return self._send(404, '<p>not found</p>')

    def log_message(self, fmt, *args):  # the lab keeps nginx's access log; keep stderr quiet
        pass


if __name__ == '__main__':
    host, port = sys.argv[1], int(sys.argv[2])
    ThreadingHTTPServer((host, port), Handler).serve_forever()
