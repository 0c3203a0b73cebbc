#!/usr/bin/env bash
# The three servers of the platform on loopback: PostgreSQL, Kafka (KRaft), OpenSearch.
# Usage: deploy/local/infra.sh up|down|status|env [postgres|kafka|opensearch ...]
COMPONENT=infra
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
HERE="$(dirname "${BASH_SOURCE[0]}")"

action=${1:-}
shift || true
servers=("$@")
((${#servers[@]})) || servers=(postgres kafka opensearch)

case "$action" in
  up)
    start=$SECONDS
    # The JVM servers start in parallel: each spends most of its start-up waiting.
    pids=()
    for server in "${servers[@]}"; do
      bash "$HERE/$server.sh" up &
      pids+=($!)
    done
    failed=0
    for pid in "${pids[@]}"; do
      wait "$pid" || failed=1
    done
    ((failed == 0)) || die "au moins un serveur n'a pas démarré (journaux dans $STAGE_LOG_DIR)"
    log "tout est prêt en $((SECONDS - start)) s"
    ;;
  down)
    for server in "${servers[@]}"; do
      bash "$HERE/$server.sh" down
    done
    ;;
  status)
    rc=0
    for server in "${servers[@]}"; do
      bash "$HERE/$server.sh" status || rc=3
    done
    exit "$rc"
    ;;
  env)
    # The variables the services and the tests read, for `eval "$(infra.sh env)"`.
    echo "export POSTGRES_URL=postgresql://postgres@127.0.0.1:${POSTGRES_PORT:-5433}/postgres"
    echo "export KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:${KAFKA_PORT:-9092}"
    echo "export OPENSEARCH_URL=http://127.0.0.1:${OPENSEARCH_PORT:-9200}"
    ;;
  *)
    die "usage: $0 up|down|status|env [postgres|kafka|opensearch ...]"
    ;;
esac
