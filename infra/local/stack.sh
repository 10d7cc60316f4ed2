#!/usr/bin/env bash
# The whole local stack: kafka -> registry -> clickhouse (stopped in reverse order).
#   infra/local/stack.sh start|stop|status|restart
# start stops at the first component that fails (its script prints why).
# status exits 0 only when every component is running.
set -euo pipefail

COMPONENT=stack
# shellcheck source=infra/local/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

COMPONENTS=(kafka registry clickhouse)

# Runs infra/local/$1.sh $2; a component whose script does not exist yet is skipped with a warning.
run_component() {
  local name=$1 action=$2 script="$INFRA_DIR/$1.sh"
  if [[ ! -f $script ]]; then
    warn "$script does not exist yet; skipping $name"
    return 0
  fi
  bash "$script" "$action"
}

cmd_start() {
  local c t0=$SECONDS
  for c in "${COMPONENTS[@]}"; do
    run_component "$c" start || die "$c failed to start"
  done
  log "up in $((SECONDS - t0))s"
}

cmd_stop() {
  local i rc=0
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
    run_component "${COMPONENTS[i]}" stop || {
      warn "${COMPONENTS[i]} did not stop cleanly"
      rc=1
    }
  done
  return "$rc"
}

cmd_status() {
  local c rc=0
  for c in "${COMPONENTS[@]}"; do
    run_component "$c" status || rc=3
  done
  return "$rc"
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
