#!/usr/bin/env bash
# The project's Confluent-compatible schema registry (apps/schema-registry), schemas kept in
# the compacted _schemas topic of the local Kafka.
#   infra/local/registry.sh start|stop|status|restart
# Runs `node dist/apps/schema-registry/src/main.js` (build first: make build).
# Log: .local/registry/registry.log. Pid: .local/registry/registry.pid.
# Env: REGISTRY_HOST (127.0.0.1) REGISTRY_PORT (8081) KAFKA_BOOTSTRAP (127.0.0.1:9092)
#      REGISTRY_MAIN (dist/apps/schema-registry/src/main.js) REGISTRY_START_TIMEOUT (60)
#      REGISTRY_STOP_TIMEOUT (15)
set -euo pipefail

COMPONENT=registry
# shellcheck source=infra/local/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

REGISTRY_HOST=${REGISTRY_HOST:-127.0.0.1}
REGISTRY_PORT=${REGISTRY_PORT:-8081}
KAFKA_BOOTSTRAP=${KAFKA_BOOTSTRAP:-127.0.0.1:9092}
REGISTRY_MAIN=${REGISTRY_MAIN:-$REPO_ROOT/dist/apps/schema-registry/src/main.js}
REGISTRY_START_TIMEOUT=${REGISTRY_START_TIMEOUT:-60}
REGISTRY_STOP_TIMEOUT=${REGISTRY_STOP_TIMEOUT:-15}

RUN_DIR="$LOCAL_DIR/registry"
LOG_FILE="$RUN_DIR/registry.log"
PID_FILE="$RUN_DIR/registry.pid"
URL="http://$REGISTRY_HOST:$REGISTRY_PORT"
MARKER="$REGISTRY_MAIN"

# HTTP status of GET /subjects ("000" when nothing answers).
http_status() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$URL/subjects" 2>/dev/null || true
}

ready() {
  [[ $(http_status) == 200 ]]
}

current_pid() {
  local pid
  if pid=$(read_live_pid "$PID_FILE" "$MARKER"); then
    printf '%s' "$pid"
    return 0
  fi
  if pid=$(find_own_pid "$REGISTRY_PORT" "$MARKER"); then
    mkdir -p "$RUN_DIR"
    printf '%s' "$pid" >"$PID_FILE"
    printf '%s' "$pid"
    return 0
  fi
  return 1
}

check_kafka() {
  local port=${KAFKA_BOOTSTRAP##*:}
  port_listening "$port" ||
    die "Kafka is not listening on $KAFKA_BOOTSTRAP; start it first (infra/local/kafka.sh start)"
}

check_port_free() {
  if port_listening "$REGISTRY_PORT"; then
    die "port $REGISTRY_PORT is already in use by $(port_owner "$REGISTRY_PORT"); stop it or set REGISTRY_PORT"
  fi
}

wait_ready() {
  local pid=$1 deadline=$((SECONDS + REGISTRY_START_TIMEOUT)) code
  while ((SECONDS < deadline)); do
    if ! pid_alive "$pid"; then
      log_tail "$LOG_FILE" 40
      rm -f "$PID_FILE"
      die "registry process $pid exited during start-up"
    fi
    ready && return 0
    sleep 0.5
  done
  code=$(http_status)
  log_tail "$LOG_FILE" 40
  die "not ready after ${REGISTRY_START_TIMEOUT}s: GET $URL/subjects answered HTTP $code (pid $pid still running; stop it with $0 stop)"
}

cmd_start() {
  local pid t0=$SECONDS
  if pid=$(current_pid); then
    if ready; then
      log "already running (pid $pid), listening on $URL"
      return 0
    fi
    log "process $pid exists but is not ready yet; waiting"
    wait_ready "$pid"
    log "listening on $URL (pid $pid)"
    return 0
  fi
  command -v node >/dev/null || die "node not found; run infra/local/install.sh (make setup)"
  check_port_free
  check_kafka
  mkdir -p "$RUN_DIR"
  log_marker "$LOG_FILE"
  if [[ ! -f $REGISTRY_MAIN ]]; then
    echo "registry: $REGISTRY_MAIN does not exist" >>"$LOG_FILE"
    log_tail "$LOG_FILE" 40
    die "$REGISTRY_MAIN not found: build the project first (npm run build / make build)"
  fi
  log "starting $REGISTRY_MAIN (Kafka $KAFKA_BOOTSTRAP)"
  cd "$REPO_ROOT"
  start_detached "$LOG_FILE" "$PID_FILE" \
    env IDS_KAFKA_BROKERS="$KAFKA_BOOTSTRAP" IDS_REGISTRY_PORT="$REGISTRY_PORT" \
    IDS_REGISTRY_HOST="$REGISTRY_HOST" node "$REGISTRY_MAIN"
  pid=$(<"$PID_FILE")
  wait_ready "$pid"
  log "listening on $URL (pid $pid, ready in $((SECONDS - t0))s; log $LOG_FILE)"
}

cmd_stop() {
  local pid
  if ! pid=$(current_pid); then
    log "not running"
    rm -f "$PID_FILE"
    return 0
  fi
  log "stopping (pid $pid)"
  stop_pid "$pid" "$REGISTRY_STOP_TIMEOUT"
  rm -f "$PID_FILE"
  log "stopped"
}

cmd_status() {
  local pid
  if pid=$(current_pid); then
    if ready; then
      log "running (pid $pid), listening on $URL"
      return 0
    fi
    log "process $pid alive but GET $URL/subjects answers HTTP $(http_status) (starting or unhealthy)"
    return 1
  fi
  log "stopped"
  return 3
}

case ${1:-} in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
restart)
  cmd_stop
  cmd_start
  ;;
*)
  echo "usage: $0 {start|stop|status|restart}" >&2
  exit 2
  ;;
esac
