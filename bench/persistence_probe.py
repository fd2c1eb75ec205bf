#!/usr/bin/python3
"""Pause seen by a client during BGSAVE, and how long BGSAVE takes: one server, one run.

A probe process sends GET (or SET) commands one at a time and records each latency with its
start time; the main process starts BGSAVE and polls INFO until the save is over. Prints one
JSON line: bgsave_seconds, max_ms and p99_ms of the probes that overlapped the save, probes,
and the baseline max before the save.
"""
import json, multiprocessing, random, socket, sys, time

def connect(port):
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s

def command(s, *args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    s.sendall(out)
    buf = b""
    while True:
        buf += s.recv(65536)
        if buf.startswith(b"$"):
            head, _, rest = buf.partition(b"\r\n")
            n = int(head[1:])
            if n < 0 or len(rest) >= n + 2:
                return buf
        elif buf.endswith(b"\r\n"):
            return buf

def probe(port, keys, op, stop_at, results):
    s = connect(port)
    rnd = random.Random(1)
    samples = []
    while time.monotonic() < stop_at.value:
        key = "key:%d" % rnd.randrange(keys)
        t0 = time.monotonic()
        if op == "get":
            command(s, "GET", key)
        else:
            command(s, "SET", key, "x" * 100)
        samples.append((t0, time.monotonic() - t0))
    results.put(samples)

def info_complete(s):
    # INFO replies are bulk strings: read until the whole body arrived.
    s.sendall(b"*2\r\n$4\r\nINFO\r\n$11\r\npersistence\r\n")
    buf = b""
    while True:
        buf += s.recv(65536)
        head, _, rest = buf.partition(b"\r\n")
        if head.startswith(b"$") and len(rest) >= int(head[1:]) + 2:
            return rest.decode()

def main():
    port, keys, op = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    control = connect(port)
    stop_at = multiprocessing.Value("d", time.monotonic() + 3600)
    results = multiprocessing.Queue()
    worker = multiprocessing.Process(target=probe, args=(port, keys, op, stop_at, results))
    worker.start()
    time.sleep(2)  # baseline
    started = time.monotonic()
    reply = command(control, "BGSAVE")
    assert reply.startswith(b"+Background saving started"), reply
    while "rdb_bgsave_in_progress:1" in info_complete(control):
        time.sleep(0.01)
    ended = time.monotonic()
    time.sleep(0.5)
    stop_at.value = time.monotonic()
    samples = results.get()
    worker.join()
    during = sorted(l for t, l in samples if started - 0.001 <= t <= ended)
    before = [l for t, l in samples if t < started]
    ok = "rdb_last_bgsave_status:ok" in info_complete(control)
    print(json.dumps({
        "op": op, "keys": keys, "bgsave_ok": ok,
        "bgsave_seconds": round(ended - started, 3),
        "max_ms": round(during[-1] * 1000, 2) if during else None,
        "p99_ms": round(during[int(len(during) * 0.99)] * 1000, 3) if during else None,
        "probes": len(during),
        "baseline_max_ms": round(max(before) * 1000, 2) if before else None,
    }))

if __name__ == "__main__":
    main()
