#!/usr/bin/python3
"""Fills a Vigil or redis-server node past maxmemory with redis-py and reports what happened, as JSON.

The node is already running (its pid is given, to read its resident memory from /proc). The script
sets maxmemory and the policy with CONFIG SET, measures the resident baseline, writes `persistent`
bytes of keys without a TTL and `hot` keys it then reads in a loop, and floods `total` bytes of
values (a share of them with a TTL) in pipelined batches, sampling resident memory and used_memory
as it goes. Under noeviction it stops at the first refused write and reports the error and the
used_memory it was refused at. At the end it reports which keys survived: the hot set, the keys
without a TTL, and the flooded keys with a TTL in the shorter and the longer half of the TTL range
(volatile-ttl takes the shortest first). Every loop is bounded by the byte count and by --deadline
seconds, and --rate caps the pace (Redis's LRU clock ticks once a second: recency only shows when
turning over maxmemory takes the flood several seconds). EvictionLoad.cs is the same scenario
through StackExchange.Redis; both report the same fields.
"""
import argparse
import json
import random
import sys
import time

import redis


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--policy", required=True)
    p.add_argument("--maxmemory", type=int, required=True)
    p.add_argument("--total", type=int, required=True, help="bytes of values to write")
    p.add_argument("--sizes", default="100,1000,4000", help="value sizes, picked at random")
    p.add_argument("--hot", type=int, default=0, help="keys read in a loop while flooding")
    p.add_argument("--hot-size", type=int, default=1000)
    p.add_argument("--persistent", type=int, default=0, help="bytes of keys without a TTL written first")
    p.add_argument("--ttl-share", type=float, default=0.0, help="share of flooded keys with a TTL")
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--rate", type=int, default=0, help="at most this many bytes a second (0: as fast as it goes)")
    p.add_argument("--deadline", type=float, default=600)
    p.add_argument("--seed", type=int, default=7)
    a = p.parse_args()

    rnd = random.Random(a.seed)
    sizes = [int(s) for s in a.sizes.split(",")]
    payloads = {s: bytes(rnd.getrandbits(8) for _ in range(s)) for s in set(sizes + [a.hot_size])}
    r = redis.Redis(host="127.0.0.1", port=a.port, socket_timeout=60)
    r.ping()
    r.config_set("maxmemory-policy", a.policy)
    r.config_set("maxmemory", a.maxmemory)
    baseline = rss_bytes(a.pid)
    started = time.monotonic()
    out = {"policy": a.policy, "maxmemory": a.maxmemory, "baseline_rss": baseline}

    def used_memory():
        return int(r.info("memory")["used_memory"])

    # Keys that must survive volatile-* policies: no TTL.
    persistent_keys = []
    written = 0
    while written < a.persistent:
        key = f"p:{len(persistent_keys)}"
        r.set(key, payloads[a.hot_size])
        persistent_keys.append(key)
        written += a.hot_size
    hot_keys = [f"hot:{i}" for i in range(a.hot)]
    pipe = r.pipeline(transaction=False)
    for key in hot_keys:
        pipe.set(key, payloads[a.hot_size])
    pipe.execute()

    peak_rss = rss_bytes(a.pid)
    peak_used = used_memory()
    flooded = 0
    n = 0
    short_ttl = []          # indexes of flooded keys with a TTL in the shorter half of the range
    long_ttl = []
    hot_at = 0
    batches = 0
    oom = None
    while flooded < a.total and time.monotonic() - started < a.deadline:
        batch_started = time.monotonic()
        batch_bytes = flooded
        pipe = r.pipeline(transaction=False)
        for _ in range(a.batch):
            size = rnd.choice(sizes)
            key = f"k:{n}"
            n += 1
            if rnd.random() < a.ttl_share:
                ttl = rnd.randint(1000, 5000)
                (short_ttl if ttl < 3000 else long_ttl).append(n - 1)
                pipe.set(key, payloads[size], ex=ttl)
            else:
                pipe.set(key, payloads[size])
            flooded += size
        results = pipe.execute(raise_on_error=False)
        errors = [e for e in results if isinstance(e, redis.ResponseError)]
        if errors:
            oom = {"error": str(errors[0]), "used_memory": used_memory(), "flooded": flooded}
            break
        if hot_keys:
            pipe = r.pipeline(transaction=False)
            for _ in range(min(a.batch, len(hot_keys))):
                pipe.get(hot_keys[hot_at])
                hot_at = (hot_at + 1) % len(hot_keys)
            pipe.execute()
        batches += 1
        if a.rate:
            # No batch goes faster than the rate, so a slow machine only spreads the flood over more time.
            time.sleep(max(0.0, (flooded - batch_bytes) / a.rate - (time.monotonic() - batch_started)))
        peak_rss = max(peak_rss, rss_bytes(a.pid))
        if batches % 10 == 0:
            peak_used = max(peak_used, used_memory())

    def survival(keys):
        if not keys:
            return None
        pipe = r.pipeline(transaction=False)
        for key in keys:
            pipe.exists(key)
        return sum(pipe.execute()) / len(keys)

    stats = r.info("stats")
    memory = r.info("memory")
    out.update({
        "flooded": flooded,
        "seconds": round(time.monotonic() - started, 2),
        "peak_rss": peak_rss,
        "final_rss": rss_bytes(a.pid),
        "peak_used_memory": max(peak_used, int(memory["used_memory"])),
        "used_memory": int(memory["used_memory"]),
        "evicted_keys": int(stats["evicted_keys"]),
        "keys": r.dbsize(),
        "hot_survival": survival(hot_keys),
        "persistent_survival": survival(persistent_keys),
        "short_ttl_survival": survival([f"k:{i}" for i in short_ttl]),
        "long_ttl_survival": survival([f"k:{i}" for i in long_ttl]),
        "oom": oom,
    })
    if oom is not None:
        # Reads and deletes still work when writes are refused.
        out["oom_get"] = len(r.get("k:0") or b"")
        out["oom_del"] = r.delete("k:0")
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
