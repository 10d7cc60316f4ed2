# shellcheck shell=bash
# Lab topology: one "switch" namespace holding a Linux bridge, and one namespace per host joined to
# it by a veth pair. Nothing is created in the host's own namespace, so the host's interfaces,
# routes and firewall are never touched. Sourced by run.sh; needs LAB_ID, LAB_TMP.

LAB_NET=10.77.0
LAB_PREFIX=24
LAB_BRIDGE=labbr0
SRV_IP=$LAB_NET.10
BEN1_IP=$LAB_NET.20
BEN2_IP=$LAB_NET.21
# Benign users: "role ip mix" (benign.sh MIX); run.sh starts all of them in train and holdout,
# the first two in smoke.
BENIGN_USERS=(
  "ben1 $BEN1_IP web" "ben2 $BEN2_IP ops" "ben3 $LAB_NET.22 web" "ben4 $LAB_NET.23 web"
  "ben5 $LAB_NET.24 ops" "ben6 $LAB_NET.25 web" "ben7 $LAB_NET.26 web" "ben8 $LAB_NET.27 ops"
  "ben9 $LAB_NET.28 web" "ben10 $LAB_NET.29 web" "ben11 $LAB_NET.31 web" "ben12 $LAB_NET.32 ops"
)
VICTIM_IP=$LAB_NET.30 # DNS amplification victim: its address is the spoofed source

# Namespace names all start with "idslab<run id>-" so a run only ever sweeps its own.
ns_name() { printf 'idslab%s-%s' "$LAB_ID" "$1"; }
SW_NS=$(ns_name sw)

# Every namespace this run created, in creation order (cleanup deletes them all).
LAB_NAMESPACES=()

inns() {
  local ns=$1
  shift
  ip netns exec "$ns" "$@"
}

topology_up() {
  ip netns add "$SW_NS"
  LAB_NAMESPACES+=("$SW_NS")
  ip -n "$SW_NS" link set lo up
  ip -n "$SW_NS" link add "$LAB_BRIDGE" type bridge stp_state 0 forward_delay 0
  ip -n "$SW_NS" link set "$LAB_BRIDGE" up
  # The bridge itself has no address: the switch namespace is not a host on the lab network.
  inns "$SW_NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
}

# host_add ROLE IP: a namespace with eth0=IP/24 plugged into the bridge. Prints nothing.
host_add() {
  local role=$1 ip=$2 ns
  ns=$(ns_name "$role")
  ip netns add "$ns"
  LAB_NAMESPACES+=("$ns")
  # Created inside the switch namespace and the peer moved straight into the host namespace, so
  # no interface ever appears in the host's own namespace.
  ip -n "$SW_NS" link add "v$role" type veth peer name eth0 netns "$ns"
  ip -n "$SW_NS" link set "v$role" master "$LAB_BRIDGE" up
  inns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "$ip/$LAB_PREFIX" dev eth0
  ip -n "$ns" link set eth0 up
}

# Kills every process still running inside namespace $1 (TERM, then KILL), i.e. only processes
# that this run started there.
ns_kill_all() {
  local ns=$1 pids i
  pids=$(ip netns pids "$ns" 2>/dev/null || true)
  [[ -z $pids ]] && return 0
  # shellcheck disable=SC2086 # word splitting wanted: a pid list
  kill -TERM $pids 2>/dev/null || true
  for ((i = 0; i < 30; i++)); do
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    [[ -z $pids ]] && return 0
    sleep 0.1
  done
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
  sleep 0.2
}

# Removes a host namespace (its veth pair goes with it).
host_del() {
  local ns
  ns=$(ns_name "$1")
  ns_kill_all "$ns"
  ip netns del "$ns" 2>/dev/null || true
}

topology_down() {
  local i ns
  # Hosts first (reverse order), the switch namespace last: its bridge and veth ends go with it.
  for ((i = ${#LAB_NAMESPACES[@]} - 1; i >= 0; i--)); do
    ns=${LAB_NAMESPACES[i]}
    ns_kill_all "$ns"
    ip netns del "$ns" 2>/dev/null || true
  done
  LAB_NAMESPACES=()
}
