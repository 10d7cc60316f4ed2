#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft, broker+controller, node.id=1).
#   infra/local/kafka.sh start|stop|status|restart
#   infra/local/kafka.sh classpath            print the Java classpath of the Kafka jars
#   infra/local/kafka.sh run-class CLASS ARGS  run a Kafka tool class (TopicCommand, ProducerPerformance, ...)
# Jars: .local/kafka/libs (infra/local/install.sh). Data: .local/kafka/data. Log: .local/kafka/server.log.
# Env: KAFKA_HOST (127.0.0.1) KAFKA_PORT (9092) KAFKA_CONTROLLER_PORT (9093)
#      KAFKA_SASL_SSL_PORT (9094): SASL over TLS, mechanisms PLAIN and SCRAM-SHA-512
#      KAFKA_SSL_PORT (9095): TLS with a client certificate required (mutual TLS)
#      KAFKA_LOCAL_SECRET (ids-local-secret): user `ids`'s password on the SASL listener, and the
#        key stores' password. The TLS material (a CA, the broker's and a client's certificate and
#        key, PEM) is made once in .local/kafka/tls; the tests of the secured listeners use it.
#      KAFKA_HEAP_OPTS (-Xms256m -Xmx768m) KAFKA_START_TIMEOUT (60) KAFKA_STOP_TIMEOUT (30)
#      KAFKA_TOOL_OPTS (-Xmx512m): JVM options for run-class
set -euo pipefail

COMPONENT=kafka
# shellcheck source=infra/local/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

KAFKA_HOST=${KAFKA_HOST:-127.0.0.1}
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
KAFKA_SASL_SSL_PORT=${KAFKA_SASL_SSL_PORT:-9094}
KAFKA_SSL_PORT=${KAFKA_SSL_PORT:-9095}
KAFKA_LOCAL_SECRET=${KAFKA_LOCAL_SECRET:-ids-local-secret}
KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}
KAFKA_START_TIMEOUT=${KAFKA_START_TIMEOUT:-60}
KAFKA_STOP_TIMEOUT=${KAFKA_STOP_TIMEOUT:-30}

KAFKA_HOME="$LOCAL_DIR/kafka"
LIBS_DIR="$KAFKA_HOME/libs"
DATA_DIR="$KAFKA_HOME/data"
CONFIG="$KAFKA_HOME/server.properties"
LOG_FILE="$KAFKA_HOME/server.log"
PID_FILE="$KAFKA_HOME/kafka.pid"
TLS_DIR="$KAFKA_HOME/tls"
TEMPLATE="$INFRA_DIR/kafka/server.properties"
BROKER_LOG4J="$INFRA_DIR/kafka/log4j.properties"
TOOLS_LOG4J="$INFRA_DIR/kafka/tools-log4j.properties"
BOOTSTRAP="$KAFKA_HOST:$KAFKA_PORT"
# Identifies our broker among processes: main class + our rendered config path.
MARKER="kafka.Kafka $CONFIG"

classpath() {
  printf '%s/*' "$LIBS_DIR"
}

require_jars() {
  compgen -G "$LIBS_DIR/kafka_2.13-*.jar" >/dev/null ||
    die "Kafka jars not found in $LIBS_DIR; run infra/local/install.sh (make setup)"
  command -v java >/dev/null || die "java not found; run infra/local/install.sh (make setup)"
}

# Runs a Kafka command-line class (full JIT, so ProducerPerformance figures are fair)
# with quiet logging. KAFKA_TOOL_OPTS overrides the JVM options.
run_class() {
  require_jars
  # shellcheck disable=SC2086
  java ${KAFKA_TOOL_OPTS:--Xmx512m} -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$TOOLS_LOG4J" -cp "$(classpath)" "$@"
}

render_config() {
  mkdir -p "$DATA_DIR"
  sed -e "s|@HOST@|$KAFKA_HOST|g" -e "s|@PORT@|$KAFKA_PORT|g" \
    -e "s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" -e "s|@DATA_DIR@|$DATA_DIR|g" \
    -e "s|@SASL_SSL_PORT@|$KAFKA_SASL_SSL_PORT|g" -e "s|@SSL_PORT@|$KAFKA_SSL_PORT|g" \
    -e "s|@TLS_DIR@|$TLS_DIR|g" -e "s|@SECRET@|$KAFKA_LOCAL_SECRET|g" \
    "$TEMPLATE" >"$CONFIG.tmp"
  mv "$CONFIG.tmp" "$CONFIG"
}

# A certificate signed by the local CA: sign_cert NAME SUBJECT [SAN]. Key and certificate in PEM.
sign_cert() {
  local name=$1 subject=$2 san=${3:-} ext
  ext="$TLS_DIR/$name.ext"
  if [[ -n $san ]]; then printf 'subjectAltName=%s\n' "$san" >"$ext"; else : >"$ext"; fi
  openssl req -newkey rsa:2048 -nodes -keyout "$TLS_DIR/$name.key" -out "$TLS_DIR/$name.csr" -subj "$subject" 2>/dev/null &&
    openssl x509 -req -in "$TLS_DIR/$name.csr" -CA "$TLS_DIR/ca.pem" -CAkey "$TLS_DIR/ca.key" -CAcreateserial \
      -days 3650 -sha256 -extfile "$ext" -out "$TLS_DIR/$name.pem" 2>/dev/null ||
    die "openssl could not make the $name certificate in $TLS_DIR"
  rm -f "$TLS_DIR/$name.csr" "$ext"
}

# The secured listeners' TLS material, made once: a local CA, the broker's certificate (for
# 127.0.0.1, localhost and KAFKA_HOST) in a PKCS#12 key store, the CA in the broker's trust store,
# and a client certificate for the mutual-TLS listener.
ensure_tls() {
  [[ -f $TLS_DIR/broker.p12 && -f $TLS_DIR/truststore.p12 && -f $TLS_DIR/client.pem ]] && return 0
  command -v openssl >/dev/null || die "openssl not found; run infra/local/install.sh (make setup)"
  log "making the TLS material of the secured listeners in $TLS_DIR"
  rm -rf "$TLS_DIR"
  mkdir -p "$TLS_DIR"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TLS_DIR/ca.key" -out "$TLS_DIR/ca.pem" -days 3650 -sha256 \
    -subj "/CN=ids-local-ca" 2>/dev/null || die "openssl could not make the local CA in $TLS_DIR"
  local host_san="DNS:$KAFKA_HOST"
  [[ $KAFKA_HOST =~ ^[0-9.]+$|: ]] && host_san="IP:$KAFKA_HOST"
  sign_cert broker "/CN=localhost" "IP:127.0.0.1,DNS:localhost,$host_san"
  sign_cert client "/CN=ids-client"
  openssl pkcs12 -export -in "$TLS_DIR/broker.pem" -inkey "$TLS_DIR/broker.key" -certfile "$TLS_DIR/ca.pem" \
    -name broker -out "$TLS_DIR/broker.p12" -passout "pass:$KAFKA_LOCAL_SECRET" || die "openssl could not make $TLS_DIR/broker.p12"
  keytool -importcert -noprompt -alias ids-local-ca -file "$TLS_DIR/ca.pem" -storetype PKCS12 \
    -keystore "$TLS_DIR/truststore.p12" -storepass "$KAFKA_LOCAL_SECRET" >/dev/null 2>&1 ||
    die "keytool could not make $TLS_DIR/truststore.p12"
}

# SCRAM-SHA-512 credentials of user `ids` (kept in the cluster metadata; setting them again is harmless).
ensure_scram_user() {
  run_class kafka.admin.ConfigCommand --bootstrap-server "$BOOTSTRAP" --alter --entity-type users --entity-name ids \
    --add-config "SCRAM-SHA-512=[password=$KAFKA_LOCAL_SECRET]" >/dev/null ||
    die "could not set the SCRAM credentials of user ids"
}

# Formats the KRaft storage once; later starts reuse the data (meta.properties present).
format_storage_once() {
  if [[ -f $DATA_DIR/meta.properties ]]; then
    return 0
  fi
  local cluster_id
  cluster_id=$(run_class kafka.tools.StorageTool random-uuid)
  log "formatting storage in $DATA_DIR (first start, cluster id $cluster_id)"
  run_class kafka.tools.StorageTool format --config "$CONFIG" --cluster-id "$cluster_id" >>"$LOG_FILE" 2>&1 ||
    {
      log_tail "$LOG_FILE" 40
      die "storage format failed"
    }
}

# Real readiness: the admin API answers a topic listing.
kafka_ready() {
  timeout 30 java -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -Dlog4j.configuration="file:$TOOLS_LOG4J" -cp "$(classpath)" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --list >/dev/null 2>&1
}

# Pid of our running broker (pid file, or adopted from the port owner), else fails.
current_pid() {
  local pid
  if pid=$(read_live_pid "$PID_FILE" "$MARKER"); then
    printf '%s' "$pid"
    return 0
  fi
  if pid=$(find_own_pid "$KAFKA_PORT" "$MARKER") || pid=$(find_own_pid "$KAFKA_CONTROLLER_PORT" "$MARKER"); then
    mkdir -p "$KAFKA_HOME"
    printf '%s' "$pid" >"$PID_FILE"
    printf '%s' "$pid"
    return 0
  fi
  return 1
}

check_ports_free() {
  local port
  for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$KAFKA_SASL_SSL_PORT" "$KAFKA_SSL_PORT"; do
    if port_listening "$port"; then
      die "port $port is already in use by $(port_owner "$port"); stop it or set KAFKA_PORT/KAFKA_CONTROLLER_PORT/KAFKA_SASL_SSL_PORT/KAFKA_SSL_PORT"
    fi
  done
}

# Waits until the broker answers, bounded by KAFKA_START_TIMEOUT; fails with the log tail.
wait_ready() {
  local pid=$1 deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! pid_alive "$pid"; then
      log_tail "$LOG_FILE" 40
      rm -f "$PID_FILE"
      die "broker process $pid exited during start-up"
    fi
    if port_listening "$KAFKA_PORT" && kafka_ready; then
      return 0
    fi
    sleep 1
  done
  log_tail "$LOG_FILE" 40
  die "broker (pid $pid) not ready on $BOOTSTRAP after ${KAFKA_START_TIMEOUT}s (still running; stop it with $0 stop)"
}

cmd_start() {
  require_jars
  local pid t0=$SECONDS
  if pid=$(current_pid); then
    if port_listening "$KAFKA_PORT" && kafka_ready; then
      log "already running (pid $pid), listening on $BOOTSTRAP"
      return 0
    fi
    log "process $pid exists but is not ready yet; waiting"
    wait_ready "$pid"
    log "listening on $BOOTSTRAP (pid $pid)"
    return 0
  fi
  check_ports_free
  ensure_tls
  render_config
  log_marker "$LOG_FILE"
  format_storage_once
  log "starting broker+controller (KRaft) on $BOOTSTRAP, controller $KAFKA_HOST:$KAFKA_CONTROLLER_PORT"
  # shellcheck disable=SC2086
  start_detached "$LOG_FILE" "$PID_FILE" \
    java $KAFKA_HEAP_OPTS -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent \
    -Djava.awt.headless=true -Dlog4j.configuration="file:$BROKER_LOG4J" \
    -Dkafka.logs.dir="$KAFKA_HOME" -cp "$(classpath)" kafka.Kafka "$CONFIG"
  pid=$(<"$PID_FILE")
  wait_ready "$pid"
  ensure_scram_user
  log "listening on $BOOTSTRAP; SASL_SSL on $KAFKA_HOST:$KAFKA_SASL_SSL_PORT, SSL (client certificate) on $KAFKA_HOST:$KAFKA_SSL_PORT (pid $pid, ready in $((SECONDS - t0))s; log $LOG_FILE)"
}

cmd_stop() {
  local pid
  if ! pid=$(current_pid); then
    log "not running"
    rm -f "$PID_FILE"
    return 0
  fi
  log "stopping (pid $pid)"
  stop_pid "$pid" "$KAFKA_STOP_TIMEOUT"
  rm -f "$PID_FILE"
  log "stopped"
}

cmd_status() {
  local pid
  if pid=$(current_pid); then
    if port_listening "$KAFKA_PORT"; then
      log "running (pid $pid), listening on $BOOTSTRAP"
      return 0
    fi
    log "process $pid alive but not listening on $BOOTSTRAP (starting or unhealthy)"
    return 1
  fi
  log "stopped"
  return 3
}

main() {
  local cmd=${1:-}
  case $cmd in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  restart)
    cmd_stop
    cmd_start
    ;;
  classpath) classpath && echo ;;
  run-class)
    shift
    [[ $# -ge 1 ]] || die "usage: $0 run-class CLASS [ARGS...]"
    run_class "$@"
    ;;
  *)
    echo "usage: $0 {start|stop|status|restart|classpath|run-class CLASS ARGS...}" >&2
    exit 2
    ;;
  esac
}

main "$@"
