#!/usr/bin/env python3
"""A connection-limited echo server on Python's selectors, one thread."""
import selectors, socket, sys, time, signal, datetime

def log(msg):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%H:%M:%S.%f")[:-3]
    sys.stderr.write(f"{now} {msg}\n"); sys.stderr.flush()

def usage(msg):
    sys.stderr.write(f"echo-server: {msg}\nTry 'echo-server --help' for more information.\n"); sys.exit(2)

def parse(argv):
    opts = {"--port": 9000, "--max-clients": 100, "--bind": "127.0.0.1"}
    i = 0
    while i < len(argv):
        name = argv[i]
        if name not in opts: usage(f"Unknown option: '{name}'")
        if i + 1 >= len(argv): usage(f"Missing value for option '{name}'")
        value = argv[i + 1]; i += 2
        if name == "--bind": opts[name] = value; continue
        try: n = int(value)
        except ValueError: usage(f"Invalid value '{value}' for option '{name}'")
        if name == "--max-clients" and not (1 <= n <= 2**31 - 1): usage(f"Invalid value '{value}' for option '--max-clients': must be at least 1.")
        if name == "--port" and not (0 <= n <= 65535): usage(f"Invalid value '{value}' for option '--port'")
        opts[name] = n
    return opts

def main():
    o = parse(sys.argv[1:]); maxc = o["--max-clients"]
    sel = selectors.DefaultSelector()
    lsock = socket.socket(); lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try: lsock.bind((o["--bind"], o["--port"]))
    except OSError as e: log(f"cannot listen on {o['--bind']}:{o['--port']}: {e.strerror}"); sys.exit(1)
    lsock.listen(1024); lsock.setblocking(False)
    sel.register(lsock, selectors.EVENT_READ, None)
    log(f"listening on {lsock.getsockname()[0]}:{lsock.getsockname()[1]} (max clients: {maxc})")
    clients = {}  # sock -> [peer, pending bytes, peer done]
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    def close(s):
        peer = clients.pop(s)[0]
        sel.unregister(s); s.close()
        log(f"closed connection from {peer} ({len(clients)}/{maxc})")
    while not stop:
        for key, ev in sel.select(timeout=0.5):
            s = key.fileobj
            if s is lsock:
                while True:
                    try: c, addr = lsock.accept()
                    except BlockingIOError: break
                    except OSError: time.sleep(0.1); break
                    if len(clients) >= maxc:
                        log(f"rejected connection: at capacity ({len(clients)}/{maxc})")
                        c.setblocking(False)
                        try:
                            c.send(b"server at capacity\n"); c.shutdown(socket.SHUT_WR)
                            for _ in range(4):
                                if not c.recv(4096): break
                        except OSError: pass
                        c.close(); continue
                    c.setblocking(False)
                    clients[c] = [f"{addr[0]}:{addr[1]}", b"", False]
                    sel.register(c, selectors.EVENT_READ, None)
                    log(f"accepted connection from {addr[0]}:{addr[1]} ({len(clients)}/{maxc})")
                continue
            st = clients[s]
            def send(data):
                try: return s.send(data)
                except BlockingIOError: return 0  # the send buffer is full: keep it all for later
            try:
                if ev & selectors.EVENT_WRITE and st[1]:
                    n = send(st[1]); st[1] = st[1][n:]
                if ev & selectors.EVENT_READ and not st[1]:
                    data = s.recv(65536)
                    if not data: st[2] = True
                    else:
                        n = send(data)
                        st[1] = data[n:]
            except BlockingIOError:
                pass
            except OSError:
                close(s); continue
            if st[2] and not st[1]: close(s); continue
            sel.modify(s, selectors.EVENT_WRITE if st[1] else selectors.EVENT_READ, None)
    log("shutting down")
    for s in list(clients): s.close()
    sys.exit(0)

main()
