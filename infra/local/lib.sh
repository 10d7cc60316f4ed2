# shellcheck shell=bash
# Shared helpers for the infra/local scripts. Source it; do not run it.
#   COMPONENT=kafka; source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Gives: REPO_ROOT, LOCAL_DIR, log/warn/die, port and pid helpers, detached start, bounded stop.

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$INFRA_DIR/../.." && pwd)"
# shellcheck disable=SC2034 # used by the scripts that source this file
LOCAL_DIR="$REPO_ROOT/.local"
: "${COMPONENT:=local}"

log() { printf '%s: %s\n' "$COMPONENT" "$*"; }
warn() { printf '%s: WARNING: %s\n' "$COMPONENT" "$*" >&2; }
die() {
  printf '%s: ERROR: %s\n' "$COMPONENT" "$*" >&2
  exit 1
}

# Runs a command with sudo only when we are not root.
as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root for: $* (and sudo is not installed)"
  fi
}

# --- ports -----------------------------------------------------------------

# True when something listens on TCP port $1 (any address).
port_listening() {
  [[ -n $(ss -Hltn "sport = :$1" 2>/dev/null) ]]
}

# First pid listening on TCP port $1 (empty if none or not visible).
port_pid() {
  ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n1 | cut -d= -f2
}

# Human description of whoever listens on port $1: "pid 123 (java -cp ...)".
port_owner() {
  local pid cmd
  pid=$(port_pid "$1")
  if [[ -z $pid ]]; then
    ss -Hltnp "sport = :$1" 2>/dev/null | head -n1
    return 0
  fi
  cmd=$(pid_cmdline "$pid" | cut -c1-160)
  printf 'pid %s (%s)' "$pid" "$cmd"
}

# --- processes ---------------------------------------------------------------

pid_cmdline() {
  [[ -r /proc/$1/cmdline ]] && tr '\0' ' ' <"/proc/$1/cmdline"
}

pid_alive() {
  [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null
}

# True when pid $1 is alive and its command line contains the fixed string $2.
pid_matches() {
  pid_alive "$1" && pid_cmdline "$1" | grep -qF -- "$2"
}

# Prints the pid from pid file $1 when that process is alive and matches marker $2;
# removes a stale pid file.
read_live_pid() {
  local file=$1 marker=$2 pid
  [[ -f $file ]] || return 1
  pid=$(<"$file")
  if pid_matches "$pid" "$marker"; then
    printf '%s' "$pid"
    return 0
  fi
  rm -f "$file"
  return 1
}

# Finds our process even if its pid file is gone: the owner of port $1 whose
# command line contains marker $2.
find_own_pid() {
  local port=$1 marker=$2 pid
  pid=$(port_pid "$port")
  if [[ -n $pid ]] && pid_matches "$pid" "$marker"; then
    printf '%s' "$pid"
    return 0
  fi
  return 1
}

# Starts "$@" detached in its own session, stdout+stderr appended to $1,
# its pid written to $2 (the pid is the real program's, via exec).
start_detached() {
  local logfile=$1 pidfile=$2
  shift 2
  mkdir -p "$(dirname "$logfile")" "$(dirname "$pidfile")"
  rm -f "$pidfile"
  # shellcheck disable=SC2016
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" >>"$logfile" 2>&1 </dev/null &
  local i
  for i in $(seq 1 50); do
    [[ -s $pidfile ]] && return 0
    sleep 0.1
  done
  die "process did not write its pid file $pidfile"
}

# Stops pid $1: TERM, waits up to $2 seconds, then KILL.
stop_pid() {
  local pid=$1 timeout=${2:-30} i
  pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 10; i++)); do
    pid_alive "$pid" || return 0
    sleep 0.1
  done
  warn "pid $pid still alive after ${timeout}s, sending KILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    pid_alive "$pid" || return 0
    sleep 0.1
  done
  die "pid $pid survived KILL"
}

# Prints the last $2 (default 40) lines of log $1 written since the latest start marker.
log_tail() {
  local file=$1 n=${2:-40} from
  if [[ -f $file ]]; then
    from=$(grep -n "^===== $COMPONENT start " "$file" | tail -n1 | cut -d: -f1 || true)
    printf '%s: ---- last %s lines of %s ----\n' "$COMPONENT" "$n" "$file" >&2
    tail -n +"${from:-1}" "$file" | tail -n "$n" >&2
    printf '%s: ---- end of log ----\n' "$COMPONENT" >&2
  else
    printf '%s: (no log at %s)\n' "$COMPONENT" "$file" >&2
  fi
}

# Writes a start marker into log $1 so a tail shows where this run began.
log_marker() {
  mkdir -p "$(dirname "$1")"
  printf '\n===== %s start %s =====\n' "$COMPONENT" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$1"
}
