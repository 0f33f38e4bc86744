#!/bin/sh
# Starts a private PostgreSQL for the history store tests (Debian's postgresql package):
# a throwaway cluster in DIR, reachable only through a Unix socket in DIR (listen_addresses='').
#
#   eval "$(test/store/start-postgres.sh /tmp/rkecis-pg)"   # exports RKECIS_TEST_PG_URL
#   test/store/start-postgres.sh --stop /tmp/rkecis-pg
#
# As root the server runs as the postgres user (initdb refuses root); otherwise as the caller.
set -eu

port="${RKECIS_PG_PORT:-54329}"
bindir="${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "start-postgres.sh: no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install -y postgresql)" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-}" = "--stop" ]; then
  dir="${2:?usage: start-postgres.sh --stop DIR}"
  as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  exit 0
fi

dir="${1:?usage: start-postgres.sh DIR}"
mkdir -p "$dir"
if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir"; fi
chmod 700 "$dir"
as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-instructions >"$dir/initdb.log" 2>&1 || {
  cat "$dir/initdb.log" >&2
  exit 1
}
as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-k $dir -p $port -c listen_addresses='' -c max_connections=200" start >/dev/null || {
  cat "$dir/server.log" >&2
  exit 1
}
echo "export RKECIS_TEST_PG_URL='postgres://postgres@localhost:$port/postgres?host=$dir'"
