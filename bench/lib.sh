# Shared by the bench/ scripts (source it after cd to the repository root): a work directory removed on
# exit, Vigil and redis-server 7.0 started on free loopback ports with the same directives, medians.
for tool in redis-server redis-benchmark redis-cli python3; do
  command -v "$tool" >/dev/null || { echo "bench needs $tool (apt-get install redis-server redis-tools python3)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/vigil-bench.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

publish_vigil() {
  echo "publishing artifacts/vigil ..." >&2
  dotnet publish src/Vigil -c Release -o artifacts/vigil -nologo -v quiet >&2
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start NAME [DIRECTIVES...]: starts redis-server (NAME redis, or redis-<anything> for several) or Vigil on a
# free port, with no persistence unless DIRECTIVES (later ones win) say otherwise; waits until it answers;
# sets PORT and PID.
start() {
  local name=$1 dir="$work/$1"
  shift
  rm -rf "$dir"; mkdir -p "$dir"
  PORT=$(free_port)
  local common=(--port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" "$@")
  if [[ "$name" == redis || "$name" == redis-* ]]; then
    redis-server "${common[@]}" >"$dir.log" 2>&1 &
  else
    artifacts/vigil/vigil server "${common[@]}" >"$dir.log" 2>&1 &
  fi
  PID=$!
  pids+=("$PID")
  for _ in $(seq 300); do
    redis-cli -p "$PORT" ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "$name did not start:" >&2; cat "$dir.log" >&2; exit 1
}

stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

median() { sort -g | awk '{v[NR]=$1} END {if (NR == 0) print "-"; else if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
