#!/usr/bin/python3
# sentinel_failover.py - seed T6 and T7 on the seed checks' three-box topology: kill -9 the
# master's data node and its sentinel; the other two sentinels promote a replica; the new
# master shows the remaining replica and a secondary replication ID (PSYNC2); the old master,
# restarted with its old config, is turned into a replica of the new one and syncs.
# Usage: sentinel_failover.py --checks DIR --server-cmd '... {conf}' --sentinel-cmd '... {conf}'
#        [--data-port P --sentinel-port P]    (last line: PASS ... or FAIL ...)
import argparse
import shutil
import sys
import tempfile
import time


def wait(what, condition, timeout=90):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            ok = condition()
            if ok:
                return ok
        except Exception as e:  # a node that is down or restarting
            last = e
        time.sleep(0.25)
    raise SystemExit(f"FAIL timed out waiting for {what} (last error: {last!r})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--checks", required=True, help="the seed checks directory (topology.py)")
    ap.add_argument("--server-cmd", required=True)
    ap.add_argument("--sentinel-cmd", default="redis-sentinel {conf}")
    ap.add_argument("--data-port", type=int, default=6379)
    ap.add_argument("--sentinel-port", type=int, default=26379)
    a = ap.parse_args()
    sys.path.insert(0, a.checks)
    from topology import Topology, MASTER

    base = tempfile.mkdtemp(prefix="vigil-failover-")
    t = Topology(base, a.server_cmd, a.sentinel_cmd, data_port=a.data_port, sentinel_port=a.sentinel_port)
    try:
        t.start_all()
        t.wait_healthy()
        old = t.nodes[0]
        master = t.data_client(0)
        for i in range(200):
            master.set(f"before:{i}", i)
        # Both replicas have everything before the master dies (WAIT), so nothing acknowledged is lost.
        if master.execute_command("WAIT", 2, 10000) != 2:
            raise SystemExit("FAIL WAIT did not see both replicas acknowledge")

        t.kill9_node(0)
        t.kill9_sentinel(0)

        def new_master():
            addrs = {tuple(t.sentinel_client(i).execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER)) for i in (1, 2)}
            if len(addrs) != 1:
                return None
            ip, port = addrs.pop()
            return (ip, int(port)) if (ip, int(port)) != (old["ip"], old["port"]) else None

        ip, port = wait("the sentinels to promote a replica", new_master)
        index = next(i for i, n in enumerate(t.nodes) if (n["ip"], n["port"]) == (ip, port))
        other = 3 - index
        promoted = t.data_client(index)

        def promoted_with_replica():
            info = promoted.info("replication")
            online = [v for k, v in info.items() if k.startswith("slave") and isinstance(v, dict) and v.get("state") == "online"]
            return info if info["role"] == "master" and len(online) == 1 else None

        info = wait("the new master to list the remaining replica", promoted_with_replica)
        if info["master_replid2"] == "0" * 40 or int(info["second_repl_offset"]) < 0:
            raise SystemExit(f"FAIL no secondary replication ID after the promotion: {info}")
        if int(promoted.info("stats")["sync_partial_ok"]) < 1:
            raise SystemExit("FAIL the remaining replica did not continue with a partial resync")
        if any(promoted.get(f"before:{i}") != str(i).encode() for i in range(200)):
            raise SystemExit("FAIL keys written before the failover are missing on the new master")
        promoted.set("after", "failover")

        # T7: the old master comes back with its old config (a master); the sentinels turn it into a replica.
        t.start_node(0, original_conf=True)

        def old_master_in_sync():
            r = t.data_client(0).info("replication")
            m = promoted.info("replication")
            online = [v for k, v in m.items() if k.startswith("slave") and isinstance(v, dict) and v.get("state") == "online"]
            return (r["role"] == "slave" and r["master_host"] == ip and r["master_link_status"] == "up" and len(online) == 2 and
                    r["slave_repl_offset"] == m["master_repl_offset"])

        wait("the old master to rejoin as a replica, in sync", old_master_in_sync)
        if t.data_client(0).get("after") != b"failover" or t.data_client(other).get("after") != b"failover":
            raise SystemExit("FAIL a write on the new master is missing on a replica")
        print(f"PASS sentinel_failover: {old['ip']}:{old['port']} -> {ip}:{port}, old master back as a replica in sync")
        return 0
    finally:
        t.stop_all()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
