#!/usr/bin/env bash
# Local ClickHouse server for development and the integration tests.
#
#   infra/local/clickhouse.sh start    start it in the background and wait until it answers
#   infra/local/clickhouse.sh stop     stop it (TERM, bounded wait, then KILL)
#   infra/local/clickhouse.sh status   exit 0 when running, 3 when stopped
#   infra/local/clickhouse.sh restart
#
# It runs the installed server (Debian's clickhouse-server 18.16, or a current `clickhouse`
# binary) as the invoking user, without systemd, on the config kept in infra/local/clickhouse/.
# Everything it writes lives under the repo's git-ignored .local/clickhouse/: the effective
# config (etc/), data/, tmp/, user_files/, format_schemas/, log/ and the pid file.
# Loopback only: HTTP on 127.0.0.1:8123, native protocol on 127.0.0.1:9000.
#
# Environment: CLICKHOUSE_START_TIMEOUT_S (default 60), CLICKHOUSE_STOP_TIMEOUT_S (default 30).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
TEMPLATE_DIR="$SCRIPT_DIR/clickhouse"
STATE_DIR="$REPO_ROOT/.local/clickhouse"
ETC_DIR="$STATE_DIR/etc"
LOG_DIR="$STATE_DIR/log"
PID_FILE="$STATE_DIR/clickhouse-server.pid"
CONFIG_FILE="$ETC_DIR/config.xml"
ERROR_LOG="$LOG_DIR/clickhouse-server.err.log"
STDOUT_LOG="$LOG_DIR/stdout.log"
START_TIMEOUT_S="${CLICKHOUSE_START_TIMEOUT_S:-60}"
STOP_TIMEOUT_S="${CLICKHOUSE_STOP_TIMEOUT_S:-30}"

say() { echo "clickhouse: $*"; }
fail() { echo "clickhouse: $*" >&2; exit 1; }

# The ports come from the config template, so they are declared once.
config_value() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$TEMPLATE_DIR/config.xml" | head -n 1; }
HTTP_PORT="$(config_value http_port)"
TCP_PORT="$(config_value tcp_port)"
LISTEN_HOST="$(config_value listen_host)"
PING_URL="http://$LISTEN_HOST:$HTTP_PORT/ping"

server_command() {
  # Debian ships /usr/sbin/clickhouse-server, which is not on a normal user's PATH.
  if command -v clickhouse-server >/dev/null 2>&1; then echo "$(command -v clickhouse-server)"
  elif [[ -x /usr/sbin/clickhouse-server ]]; then echo /usr/sbin/clickhouse-server
  elif command -v clickhouse >/dev/null 2>&1; then echo "$(command -v clickhouse) server"
  else fail "no clickhouse-server found (Debian: apt-get install clickhouse-server)"
  fi
}

# Pid of the server this script started, when it is still alive; empty otherwise.
running_pid() {
  [[ -f "$PID_FILE" ]] || return 0
  local pid
  pid="$(tr -dc '0-9' <"$PID_FILE")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  # Guard against pid reuse: it must be a clickhouse process on our config.
  local cmdline
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
  if [[ "$cmdline" == *clickhouse*"$CONFIG_FILE"* ]]; then echo "$pid"; fi
}

healthy() {
  local answer
  answer="$(curl -sS --max-time 2 "$PING_URL" 2>/dev/null || true)"
  [[ "$answer" == "Ok." ]]
}

# "users:(("name",pid=N,fd=M))" of whatever listens on the port; empty when nothing does.
port_owner() {
  local line
  line="$(ss -ltnpH "( sport = :$1 )" 2>/dev/null | head -n 1 || true)"
  [[ -n "$line" ]] || return 0
  if [[ "$line" == *users:* ]]; then echo "${line##* }"
  else echo "a process of another user (see: sudo ss -ltnp 'sport = :$1')"
  fi
}

# Sizes of the logs when the server was launched, so that a failure shows what this start wrote.
ERROR_LOG_OFFSET=0
STDOUT_LOG_OFFSET=0
file_size() { if [[ -f "$1" ]]; then stat -c %s "$1"; else echo 0; fi; }

print_logs() {
  local file offset new shown=0
  for file in "$ERROR_LOG" "$STDOUT_LOG"; do
    offset="$ERROR_LOG_OFFSET"; [[ "$file" == "$STDOUT_LOG" ]] && offset="$STDOUT_LOG_OFFSET"
    new="$(tail -c +"$((offset + 1))" "$file" 2>/dev/null | tail -n 40 || true)"
    if [[ -n "$new" ]]; then
      echo "clickhouse: last 40 lines of $file:" >&2
      echo "$new" >&2
      shown=1
    fi
  done
  [[ "$shown" == 1 ]] || echo "clickhouse: the server wrote nothing to $ERROR_LOG or $STDOUT_LOG" >&2
}

write_config() {
  case "$STATE_DIR" in
    *[\&\<\>\"\'#]*) fail "the repo path '$REPO_ROOT' holds characters that cannot go into the XML config" ;;
  esac
  mkdir -p "$ETC_DIR" "$LOG_DIR" "$STATE_DIR/data" "$STATE_DIR/tmp" "$STATE_DIR/user_files" "$STATE_DIR/format_schemas"
  local owner
  owner="$(stat -c %u "$STATE_DIR/data")"
  if [[ "$owner" != "$(id -u)" ]]; then
    fail "$STATE_DIR/data belongs to uid $owner, not to $(id -un): start the server as that user, or chown -R $(id -un) $STATE_DIR"
  fi
  sed "s#@STATE_DIR@#$STATE_DIR#g" "$TEMPLATE_DIR/config.xml" >"$CONFIG_FILE.tmp"
  mv "$CONFIG_FILE.tmp" "$CONFIG_FILE"
  cp "$TEMPLATE_DIR/users.xml" "$ETC_DIR/users.xml"
}

wait_ready() {
  local pid="$1" deadline=$((SECONDS + START_TIMEOUT_S))
  while ((SECONDS < deadline)); do
    if healthy; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "clickhouse: the server (pid $pid) exited during start-up" >&2
      rm -f "$PID_FILE"
      print_logs
      exit 1
    fi
    sleep 0.5
  done
  echo "clickhouse: the server (pid $pid) did not answer $PING_URL within ${START_TIMEOUT_S}s; stopping it" >&2
  print_logs
  stop_pid "$pid" >/dev/null
  exit 1
}

stop_pid() {
  local pid="$1" deadline
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + STOP_TIMEOUT_S))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then
    say "pid $pid still running after ${STOP_TIMEOUT_S}s; sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 10))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && fail "pid $pid survived KILL"
  fi
  rm -f "$PID_FILE"
}

cmd_start() {
  local pid port owner
  pid="$(running_pid)"
  if [[ -n "$pid" ]]; then
    if healthy; then say "already running (pid $pid), healthy at $PING_URL"; return 0; fi
    say "already started (pid $pid), waiting for it to answer"
    wait_ready "$pid"
    say "running (pid $pid), healthy at $PING_URL"
    return 0
  fi
  rm -f "$PID_FILE"
  for port in "$HTTP_PORT" "$TCP_PORT"; do
    owner="$(port_owner "$port")"
    [[ -z "$owner" ]] || fail "port $port is already in use by $owner; stop it or free the port"
  done
  local server
  server="$(server_command)"
  write_config
  ERROR_LOG_OFFSET="$(file_size "$ERROR_LOG")"
  STDOUT_LOG_OFFSET="$(file_size "$STDOUT_LOG")"
  # setsid: the server outlives this shell and its terminal; its own logger writes to log/.
  # shellcheck disable=SC2086 # $server may be "clickhouse server"
  (cd "$STATE_DIR" && exec setsid $server --config-file="$CONFIG_FILE" </dev/null >>"$STDOUT_LOG" 2>&1) &
  pid=$!
  echo "$pid" >"$PID_FILE"
  wait_ready "$pid"
  say "started (pid $pid): http://$LISTEN_HOST:$HTTP_PORT, native $LISTEN_HOST:$TCP_PORT, state in $STATE_DIR"
}

cmd_stop() {
  local pid
  pid="$(running_pid)"
  if [[ -z "$pid" ]]; then
    rm -f "$PID_FILE"
    say "not running"
    return 0
  fi
  stop_pid "$pid"
  say "stopped (pid $pid)"
}

cmd_status() {
  local pid
  pid="$(running_pid)"
  if [[ -z "$pid" ]]; then say "stopped"; exit 3; fi
  if healthy; then say "running (pid $pid), healthy at $PING_URL"
  else say "running (pid $pid), not answering $PING_URL"
  fi
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  restart) cmd_stop; cmd_start ;;
  *) echo "usage: $0 {start|stop|status|restart}" >&2; exit 2 ;;
esac
