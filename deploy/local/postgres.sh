#!/usr/bin/env bash
# PostgreSQL (+ PostGIS) from Debian packages, in a cluster of our own on 127.0.0.1.
# Usage: deploy/local/postgres.sh up|down|status
COMPONENT=postgres
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

POSTGRES_PORT="${POSTGRES_PORT:-5433}"
POSTGRES_VERSION="${POSTGRES_VERSION:-15}"
PG_LOG="$STAGE_LOG_DIR/postgres.log"

pg_bin() { echo "/usr/lib/postgresql/$POSTGRES_VERSION/bin/$1"; }

# The server refuses to run as root: run its tools as the 'postgres' system user.
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

install_packages() {
  local missing=()
  [[ -x "$(pg_bin postgres)" ]] || missing+=("postgresql-$POSTGRES_VERSION")
  [[ -f "/usr/share/postgresql/$POSTGRES_VERSION/extension/postgis.control" ]] ||
    missing+=("postgresql-$POSTGRES_VERSION-postgis-3")
  [[ -f "/usr/share/postgresql/$POSTGRES_VERSION/extension/unaccent.control" ]] ||
    missing+=("postgresql-contrib")
  if ((${#missing[@]})); then
    log "installation des paquets Debian: ${missing[*]}"
    apt_install "${missing[@]}"
  fi
}

# choose_data_dir: the cluster lives in $STAGE_LOCAL_DIR/postgres/data unless the
# 'postgres' user cannot reach it (a checkout under /root, say); then in a folder of
# its own home, named after $STAGE_LOCAL_DIR so that two checkouts never share one.
choose_data_dir() {
  if [[ -n "${POSTGRES_DATA_DIR:-}" ]]; then
    return 0
  fi
  POSTGRES_DATA_DIR="$STAGE_LOCAL_DIR/postgres/data"
  if [[ $(id -u) -eq 0 ]]; then
    mkdir -p "$POSTGRES_DATA_DIR"
    chown postgres:postgres "$POSTGRES_DATA_DIR"
    if ! runuser -u postgres -- test -w "$POSTGRES_DATA_DIR"; then
      local key
      key=$(printf '%s' "$STAGE_LOCAL_DIR" | cksum | cut -d' ' -f1)
      POSTGRES_DATA_DIR="$(getent passwd postgres | cut -d: -f6)/stage-$key/data"
    fi
  fi
}

prepare_data_dir() {
  mkdir -p "$POSTGRES_DATA_DIR"
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres:postgres "$POSTGRES_DATA_DIR" "$(dirname "$POSTGRES_DATA_DIR")"
    runuser -u postgres -- test -w "$POSTGRES_DATA_DIR" ||
      die "l'utilisateur postgres ne peut pas écrire dans $POSTGRES_DATA_DIR"
  fi
  chmod 700 "$POSTGRES_DATA_DIR"
}

init_cluster() {
  [[ -f "$POSTGRES_DATA_DIR/PG_VERSION" ]] && return 0
  log "création du cluster dans $POSTGRES_DATA_DIR"
  # Loopback only, trust auth: a development cluster that nothing outside this machine reaches.
  as_pg "$(pg_bin initdb)" -D "$POSTGRES_DATA_DIR" -U postgres -A trust -E UTF8 \
    --locale=C.UTF-8 >>"$PG_LOG" 2>&1 || die "initdb a échoué, voir $PG_LOG"
}

running() { as_pg "$(pg_bin pg_ctl)" -D "$POSTGRES_DATA_DIR" status >/dev/null 2>&1; }

ready() { "$(pg_bin pg_isready)" -q -h 127.0.0.1 -p "$POSTGRES_PORT" -U postgres; }

up() {
  install_packages
  choose_data_dir
  prepare_data_dir
  init_cluster
  if running; then
    log "déjà démarré sur 127.0.0.1:$POSTGRES_PORT"
    return 0
  fi
  require_free_port "$POSTGRES_PORT" "PostgreSQL"
  # Started directly rather than by pg_ctl so that this shell, not the postgres user,
  # opens the log file. fsync off: a throw-away development cluster.
  nohup setsid runuser -u postgres -- "$(pg_bin postgres)" -D "$POSTGRES_DATA_DIR" \
    -c listen_addresses=127.0.0.1 -p "$POSTGRES_PORT" -k "$POSTGRES_DATA_DIR" \
    -c max_connections=300 -c shared_buffers=256MB \
    -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
    >>"$PG_LOG" 2>&1 </dev/null &
  if ! wait_until 60 "PostgreSQL 127.0.0.1:$POSTGRES_PORT" ready; then
    tail -n 40 "$PG_LOG" >&2
    die "PostgreSQL n'a pas démarré, voir $PG_LOG"
  fi
}

down() {
  choose_data_dir
  if [[ -f "$POSTGRES_DATA_DIR/PG_VERSION" ]] && running; then
    as_pg "$(pg_bin pg_ctl)" -D "$POSTGRES_DATA_DIR" -m fast -w -t 60 stop >/dev/null
    log "arrêté"
  fi
}

status() {
  choose_data_dir
  if [[ -f "$POSTGRES_DATA_DIR/PG_VERSION" ]] && running && ready; then
    echo "postgres: running on 127.0.0.1:$POSTGRES_PORT ($POSTGRES_DATA_DIR)"
  else
    echo "postgres: stopped"
    return 3
  fi
}

case "${1:-}" in
  up | down | status) "$1" ;;
  *) die "usage: $0 up|down|status" ;;
esac
