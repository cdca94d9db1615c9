"""A local HTTP/1.1 server for test/real/curl.sh: serves the files of one
directory compressed with the system zlib (run it without the preload).

  python3 compressing_server.py DIR PORTFILE

Binds 127.0.0.1 on a free port, writes the port to PORTFILE, serves until
killed. Paths (NAME is a file in DIR):
  /gzip/NAME      Content-Encoding: gzip, Content-Length
  /deflate/NAME   Content-Encoding: deflate (a zlib stream, RFC 9110)
  /raw/NAME       Content-Encoding: deflate sent as raw deflate (what some
                  servers do; clients accept it)
  /chunked/ENC/NAME    ENC (gzip or deflate) in Transfer-Encoding: chunked,
                  compressed piece by piece with Z_SYNC_FLUSH, chunks of
                  random sizes (1 byte to 16 KiB) with short pauses, so that
                  the client inflates partial input
  /corrupt/NAME   gzip with a damaged body: the client must fail
"""

import http.server
import os
import random
import sys
import time
import zlib


def compressor(enc, level=6):
    wbits = {'gzip': 31, 'deflate': 15, 'raw': -15}[enc]
    return zlib.compressobj(level, zlib.DEFLATED, wbits)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, fmt, *args):
        pass

    def body_of(self, name):
        path = os.path.join(self.server.root, os.path.basename(name))
        with open(path, 'rb') as f:
            return f.read()

    def do_GET(self):
        parts = self.path.strip('/').split('/')
        try:
            if parts[0] == 'chunked':
                return self.chunked(parts[1], self.body_of(parts[2]))
            data = self.body_of(parts[1])
        except (IndexError, OSError, KeyError):
            self.send_error(404)
            return
        kind = parts[0]
        if kind not in ('gzip', 'deflate', 'raw', 'corrupt'):
            self.send_error(404)
            return
        c = compressor('gzip' if kind == 'corrupt' else kind)
        body = c.compress(data) + c.flush()
        if kind == 'corrupt':
            b = bytearray(body)
            # Stored or not, the bytes past the header are the data: make
            # them an invalid block type (and a wrong check for the rest).
            b[10] = 0xff
            for i in range(len(b) // 2, len(b) - 8, 97):
                b[i] ^= 0x5a
            body = bytes(b)
        self.send_response(200)
        self.send_header('Content-Type', 'application/octet-stream')
        self.send_header('Content-Encoding', 'gzip' if kind in ('gzip', 'corrupt') else 'deflate')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def chunked(self, enc, data):
        if enc not in ('gzip', 'deflate'):
            self.send_error(404)
            return
        rnd = random.Random(len(data))
        self.send_response(200)
        self.send_header('Content-Type', 'application/octet-stream')
        self.send_header('Content-Encoding', enc)
        self.send_header('Transfer-Encoding', 'chunked')
        self.end_headers()
        c = compressor(enc)
        out = bytearray()
        pos = 0
        while pos < len(data):
            n = rnd.choice((1, 17, 300, 5000, 40000))
            out += c.compress(data[pos:pos + n])
            out += c.flush(zlib.Z_SYNC_FLUSH)
            pos += n
            while len(out) > 16384 or (out and rnd.random() < 0.5):
                k = min(len(out), rnd.choice((1, 2, 7, 100, 1500, 16384)))
                self.wfile.write(b'%x\r\n' % k + bytes(out[:k]) + b'\r\n')
                self.wfile.flush()
                del out[:k]
                if rnd.random() < 0.02:
                    time.sleep(0.002)
        out += c.flush()
        while out:
            k = min(len(out), rnd.choice((1, 3, 1000)))
            self.wfile.write(b'%x\r\n' % k + bytes(out[:k]) + b'\r\n')
            del out[:k]
        self.wfile.write(b'0\r\n\r\n')
        self.wfile.flush()


def main():
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    server.root = sys.argv[1]
    tmp = sys.argv[2] + '.tmp'
    with open(tmp, 'w') as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, sys.argv[2])
    server.serve_forever()


if __name__ == '__main__':
    main()
