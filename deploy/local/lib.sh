# Shared helpers for the local infrastructure scripts (sourced, never run).
# Every path and port can be overridden from the environment; see deploy/local/README.md.

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STAGE_LOCAL_DIR="${STAGE_LOCAL_DIR:-$REPO_ROOT/.local}"
STAGE_LOG_DIR="${STAGE_LOG_DIR:-$STAGE_LOCAL_DIR/logs}"
STAGE_RUN_DIR="${STAGE_RUN_DIR:-$STAGE_LOCAL_DIR/run}"
STAGE_CACHE_DIR="${STAGE_CACHE_DIR:-$STAGE_LOCAL_DIR/cache}"
mkdir -p "$STAGE_LOG_DIR" "$STAGE_RUN_DIR" "$STAGE_CACHE_DIR"

log() { printf '[%s] %s\n' "${COMPONENT:-infra}" "$*" >&2; }
die() { printf '[%s] ERREUR: %s\n' "${COMPONENT:-infra}" "$*" >&2; exit 1; }

# port_open HOST PORT: true when something accepts TCP connections there.
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# require_free_port PORT WHAT: fail clearly when another process holds the port.
require_free_port() {
  if port_open 127.0.0.1 "$1"; then
    die "le port $1 ($2) est déjà pris par un autre processus; libérez-le ou choisissez un autre port (variable d'environnement)"
  fi
}

# wait_until TIMEOUT_SECONDS DESCRIPTION CMD...: poll CMD every 0.5 s.
wait_until() {
  local timeout=$1 what=$2; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    if ((SECONDS >= deadline)); then
      return 1
    fi
    sleep 0.5
  done
  log "$what: prêt"
}

# pid_alive PIDFILE: true when the file names a live process.
pid_alive() {
  [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null
}

# stop_pid PIDFILE TIMEOUT: TERM, wait, then KILL; removes the file.
stop_pid() {
  local pidfile=$1 timeout=${2:-30} pid
  if ! pid_alive "$pidfile"; then
    rm -f "$pidfile"
    return 0
  fi
  pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + timeout))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log "arrêt forcé du processus $pid"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  rm -f "$pidfile"
}

# require_java MIN_MAJOR: prints the java binary to use, or dies with a clear message.
# JAVA_HOME wins when set; otherwise the java on PATH, then any JDK under /usr/lib/jvm.
require_java() {
  local min=$1 candidate version
  local candidates=()
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME/bin/java")
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  for candidate in /usr/lib/jvm/*/bin/java; do
    [[ -x "$candidate" ]] && candidates+=("$candidate")
  done
  for candidate in "${candidates[@]}"; do
    version=$("$candidate" -XshowSettings:properties -version 2>&1 |
      sed -n 's/^ *java.specification.version = //p')
    version=${version#1.}
    if [[ -n "$version" ]] && ((version >= min)); then
      echo "$candidate"
      return 0
    fi
  done
  die "Java $min ou plus récent est introuvable (installez openjdk-17-jdk-headless ou définissez JAVA_HOME)"
}

# require_maven: Maven fetches the server jars from Maven Central.
require_maven() {
  command -v mvn >/dev/null 2>&1 && return 0
  log "Maven absent: installation par apt-get"
  apt_install maven
}

# apt_install PACKAGE...: installs Debian packages (needs root).
apt_install() {
  if [[ $(id -u) -ne 0 ]]; then
    die "paquets manquants ($*): lancez 'sudo apt-get install $*'"
  fi
  if [[ ! -f "$STAGE_CACHE_DIR/.apt-updated" ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >>"$STAGE_LOG_DIR/apt.log" 2>&1 ||
      die "apt-get update a échoué, voir $STAGE_LOG_DIR/apt.log"
    touch "$STAGE_CACHE_DIR/.apt-updated"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" \
    >>"$STAGE_LOG_DIR/apt.log" 2>&1 || die "apt-get install $* a échoué, voir $STAGE_LOG_DIR/apt.log"
}
