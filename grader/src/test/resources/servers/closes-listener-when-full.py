# Written for the self-test: a selectors echo server that stops listening while full and listens again when a slot frees.
# Its behaviour is right for tasks 1, 2 and 5 in spirit; the grader must never call it dead.
import argparse, selectors, socket, sys, time

def log(msg):
    now = time.time(); t = time.gmtime(now)
    sys.stderr.write("%02d:%02d:%02d.%03d %s\n" % (t.tm_hour, t.tm_min, t.tm_sec, int(now * 1000) % 1000, msg)); sys.stderr.flush()

def positive_int(text):
    v = int(text)
    if v < 1 or v > 2**31 - 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return v

p = argparse.ArgumentParser(prog="echo-server")
p.add_argument("--port", type=int, default=9000)
p.add_argument("--max-clients", type=positive_int, default=100)
p.add_argument("--bind", default="127.0.0.1")
a = p.parse_args()
sel = selectors.DefaultSelector()
port = a.port
listener = None

def listen():
    global listener, port
    listener = socket.socket(); listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((a.bind, port)); listener.listen(128); listener.setblocking(False)
    port = listener.getsockname()[1]
    sel.register(listener, selectors.EVENT_READ, None)

listen()
log("listening on %s:%d (max clients: %d)" % (a.bind, port, a.max_clients))
clients = 0
while True:
    for key, _ in sel.select():
        if key.data is None:
            try:
                c, addr = listener.accept()
            except BlockingIOError:
                continue
            c.setblocking(False); clients += 1
            sel.register(c, selectors.EVENT_READ, "%s:%d" % addr)
            log("accepted connection from %s:%d (%d/%d)" % (addr[0], addr[1], clients, a.max_clients))
            if clients >= a.max_clients:      # full: stop listening until a slot frees
                sel.unregister(listener); listener.close(); listener = None
        else:
            c = key.fileobj
            try:
                data = c.recv(65536)
            except OSError:
                data = b""
            if data:
                try:
                    c.setblocking(True); c.sendall(data); c.setblocking(False)  # the grader reads while it sends
                    continue
                except OSError:
                    pass
            sel.unregister(c); c.close(); clients -= 1
            log("closed connection from %s (%d/%d)" % (key.data, clients, a.max_clients))
            if listener is None:
                listen()
