#!/usr/bin/env bash
# The traffic lab: builds a private network of namespaces, runs real services and real benign
# clients and attack tools in it, captures the bridge with tcpdump and writes a labelled capture
# (capture.pcap, labels.csv, timeline.csv, manifest.json) in the labelled-capture contract.
#   tools/lab/run.sh [--profile train|holdout|smoke] [--out DIR] [--seed N] [--keep-tmp] [--only REGEX]
# --only keeps the profile's scenarios whose name matches REGEX (a debugging aid; the manifest says so).
# Default out: out/lab/<profile>/. Needs root, tools/lab/install.sh and `npm run build`.
# Cleans up (processes, namespaces, bridge, veths, the lab account, temp dir) on any exit.
set -euo pipefail

COMPONENT=lab
LAB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=infra/local/lib.sh
source "$LAB_DIR/../../infra/local/lib.sh"

PROFILE=train
OUT=
SEED=20261121
KEEP_TMP=0
ONLY=
while (($#)); do
  case $1 in
  --profile) PROFILE=${2:?--profile needs a value} && shift ;;
  --out) OUT=${2:?--out needs a value} && shift ;;
  --seed) SEED=${2:?--seed needs a value} && shift ;;
  --keep-tmp) KEEP_TMP=1 ;;
  --only) ONLY=${2:?--only needs a value} && shift ;;
  -h | --help) sed -n '2,8p' "$0" && exit 0 ;;
  *) die "unknown option: $1" ;;
  esac
  shift
done
case $PROFILE in train | holdout | smoke) ;; *) die "unknown profile: $PROFILE (train|holdout|smoke)" ;; esac
[[ $(id -u) -eq 0 ]] || die "the lab needs root (network namespaces, raw sockets, a temporary account)"
OUT=$(realpath -m "${OUT:-$REPO_ROOT/out/lab/$PROFILE}")
[[ -f $REPO_ROOT/dist/apps/cli/src/main.js ]] || die "dist/ is missing: run 'npm run build' first (the flow extractor is bin/ids.js)"
for t in ip tcpdump tshark nginx /usr/sbin/sshd vsftpd dnsmasq htpasswd curl wget dig ftp sshpass ping hping3 nmap hydra slowhttptest sqlmap timeout; do
  command -v "$t" >/dev/null || die "$t is missing: run tools/lab/install.sh"
done

# One run at a time per machine: runs share the temporary account and /run/sshd. The lock goes
# with the process (flock on an open descriptor), even on kill -9.
exec 9>/run/lock/idslab.lock
flock -n 9 || die "another lab run holds /run/lock/idslab.lock; wait for it to finish"

# A short id of this run: names of namespaces start with idslab<id>- so concurrent runs never
# touch each other's.
LAB_ID=$(printf '%04x' $(($$ % 65536)))
LAB_TMP=

# shellcheck source=tools/lab/topology.sh
source "$LAB_DIR/topology.sh"
# shellcheck source=tools/lab/services.sh
source "$LAB_DIR/services.sh"
# shellcheck source=tools/lab/scenarios.sh
source "$LAB_DIR/scenarios.sh"

TCPDUMP_PID=
SCENARIO_PID=
PAUSE_PID=
CLEANED=0
cleanup() {
  local rc=$?
  ((CLEANED)) && return 0
  CLEANED=1
  trap - EXIT INT TERM
  log "cleanup (exit $rc)"
  # Stopping the capture first flushes it; then every process in every lab namespace goes
  # (ns_kill_all), which covers services, benign loops and any tool a timeout missed.
  local p
  for p in "$SCENARIO_PID" "$PAUSE_PID"; do
    [[ -n $p ]] && kill -TERM "$p" 2>/dev/null || true
  done
  [[ -n $TCPDUMP_PID ]] && stop_pid "$TCPDUMP_PID" 5 2>/dev/null || true
  topology_down
  services_cleanup
  if ((KEEP_TMP)); then log "kept $LAB_TMP"; elif [[ -n $LAB_TMP ]]; then rm -rf "$LAB_TMP"; fi
  return "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The traps are set before anything is created, so nothing can be left behind.
LAB_TMP=$(mktemp -d "${TMPDIR:-/tmp}/idslab.$LAB_ID.XXXXXX")
chmod 755 "$LAB_TMP"
# Tools that drop state files in their working directory (hydra.restore) drop them here.
mkdir -p "$LAB_TMP/work"
cd "$LAB_TMP/work"

now() { date +%s.%N | cut -c1-17; }
# Bash runs a trap only once its foreground child exits, but interrupts a `wait`: long steps run
# in the background and are waited for, so INT/TERM clean up at once, not after a 40 s tool.
pause() {
  sleep "$1" &
  PAUSE_PID=$!
  wait "$PAUSE_PID" || true
  PAUSE_PID=
}

TIMELINE=$LAB_TMP/timeline.csv
# wire_ip: the address whose flows take the label; the attacker's own except for spoofed-source
# attacks (DNS amplification), where it is the spoofed address.
echo 'scenario,label,family,attacker_ip,victim_ip,start,end,wire_ip' >"$TIMELINE"

log "profile $PROFILE, run $LAB_ID, temp $LAB_TMP"
topology_up
host_add srv "$SRV_IP"
# Benign users per profile: the holdout's nine (and its longer benign-only head and tail) still
# give > 2,000 benign flows with a capture about half the train's size.
case $PROFILE in
smoke) USERS=("${BENIGN_USERS[@]:0:2}") ;;
holdout) USERS=("${BENIGN_USERS[@]:0:9}") ;;
*) USERS=("${BENIGN_USERS[@]}") ;;
esac
for u in "${USERS[@]}"; do
  read -r role ip _ <<<"$u"
  host_add "$role" "$ip"
done
host_add vic "$VICTIM_IP"
services_up
log "services up on $SRV_IP (http 80, https 443, ssh 22, ftp 21, dns 53, rdp stand-in 3389)"

inns "$SW_NS" tcpdump -i "$LAB_BRIDGE" -U -s 0 -Z root -w "$LAB_TMP/capture.pcap" >"$LAB_TMP/tcpdump.log" 2>&1 &
TCPDUMP_PID=$!
for ((i = 0; i < 50; i++)); do
  grep -q 'listening on' "$LAB_TMP/tcpdump.log" 2>/dev/null && break
  sleep 0.1
done

case $PROFILE in
train) SCENARIOS=("${TRAIN_SCENARIOS[@]}") WARMUP=8 GAP=2 BENIGN_ROUNDS=3000 ;;
holdout) SCENARIOS=("${HOLDOUT_SCENARIOS[@]}") WARMUP=12 GAP=2 BENIGN_ROUNDS=2000 ;;
smoke) SCENARIOS=("${SMOKE_SCENARIOS[@]}") WARMUP=6 GAP=1 BENIGN_ROUNDS=200 ;;
esac
if [[ -n $ONLY ]]; then
  kept=()
  for line in "${SCENARIOS[@]}"; do [[ ${line%% *} =~ $ONLY ]] && kept+=("$line"); done
  ((${#kept[@]})) || die "--only $ONLY matches no $PROFILE scenario"
  SCENARIOS=("${kept[@]}")
fi

# Benign users run through the whole capture, attacks included (they stop when the attacks end;
# their deadline is only the outer bound).
BENIGN_START=$(now)
deadline=$(($(date +%s) + 900))
k=0
for u in "${USERS[@]}"; do
  read -r role ip mix <<<"$u"
  start_in_ns "$(ns_name "$role")" "$LAB_TMP/$role.log" bash "$LAB_DIR/benign.sh" "$SRV_IP" "$BENIGN_ROUNDS" "$deadline" "$((SEED + k))" "$mix" "$LAB_TMP/$role"
  k=$((k + 1))
done
pause "$WARMUP"

n=0
NEXT_BOT=200
for line in "${SCENARIOS[@]}"; do
  read -r -a f <<<"$line"
  scenario=${f[0]} label=${f[1]} family=${f[2]} victim=${f[3]}
  n=$((n + 1))
  ATK_IP=$LAB_NET.$((100 + n))
  host_add "a$n" "$ATK_IP"
  ATK_NS=$(ns_name "a$n")
  cmd=("${f[@]:4}")
  # "bots N FUNCTION ARGS": the attacker namespace gets N-1 more addresses (from .200 up, unique
  # in the run) and FUNCTION runs once per address at the same time (botnet_run).
  BOT_IPS=("$ATK_IP")
  if [[ ${cmd[0]} == bots ]]; then
    for ((b = 1; b < cmd[1]; b++)); do
      BOT_IPS+=("$LAB_NET.$NEXT_BOT")
      ip -n "$ATK_NS" addr add "$LAB_NET.$NEXT_BOT/$LAB_PREFIX" dev eth0
      NEXT_BOT=$((NEXT_BOT + 1))
      ((NEXT_BOT < 255)) || die "bot address pool (.200-.254) exhausted"
    done
    cmd=(botnet_run "${cmd[@]:2}")
  fi
  WIRE_IPS=("${BOT_IPS[@]}")
  [[ " ${SPOOFED_SOURCE_FUNCS[*]} " == *" ${cmd[0]} "* ]] && WIRE_IPS=("$VICTIM_IP")
  # The attacker's first ARP/packet can only come after this point.
  start=$(now)
  log "[$n/${#SCENARIOS[@]}] $scenario ($label) from ${BOT_IPS[*]}"
  "${cmd[@]}" &
  SCENARIO_PID=$!
  wait "$SCENARIO_PID" || true
  SCENARIO_PID=
  end=$(now)
  host_del "a$n"
  # One timeline row per address the scenario's packets carry.
  for ((b = 0; b < ${#WIRE_IPS[@]}; b++)); do
    echo "$scenario,$label,$family,${BOT_IPS[b]:-$ATK_IP},$victim,$start,$end,${WIRE_IPS[b]}" >>"$TIMELINE"
  done
  pause "$GAP"
done

pause "$WARMUP" # benign-only tail: late answers of the last attack fall well inside its grace
BENIGN_END=$(now)
for u in "${USERS[@]}"; do
  read -r role ip mix <<<"$u"
  ns_kill_all "$(ns_name "$role")"
  # The first user of each kind keeps the historic scenario name (benign-web, benign-ops).
  name=benign-$mix
  [[ $role == ben1 || $role == ben2 ]] || name=benign-$mix-$role
  echo "$name,benign,benign,$ip,$SRV_IP,$BENIGN_START,$BENIGN_END,$ip" >>"$TIMELINE"
done
sleep 1
stop_pid "$TCPDUMP_PID" 10
TCPDUMP_PID=
tail -n 3 "$LAB_TMP/tcpdump.log" | sed 's/^/tcpdump: /'

# --- labelled capture -----------------------------------------------------------------------
rm -rf "$OUT"
mkdir -p "$OUT"
mv "$LAB_TMP/capture.pcap" "$OUT/capture.pcap"
mv "$TIMELINE" "$OUT/timeline.csv"
log "extracting flows with bin/ids.js analyze"
node "$REPO_ROOT/bin/ids.js" analyze "$OUT/capture.pcap" -l "$LAB_TMP/flows" --json >"$LAB_TMP/analyze.json"
label_summary=$("$LAB_PY" "$LAB_DIR/py/label_flows.py" "$LAB_TMP/flows/flows.json" "$OUT/timeline.csv" "$OUT/labels.csv" 5)
log "labels: $label_summary"

tool_version() { "$@" 2>&1 | grep -m1 -oE '[0-9]+\.[0-9]+(\.[0-9]+)?[a-z0-9.+~-]*' | head -n1 || echo unknown; }
LAB_PROFILE=$PROFILE LAB_ONLY=$ONLY LAB_SEED=$SEED LAB_ID=$LAB_ID LABEL_SUMMARY=$label_summary OUT=$OUT \
  V_HPING3=$(dpkg-query -W -f='${Version}' hping3) V_NMAP=$(tool_version nmap --version) \
  V_HYDRA=$(dpkg-query -W -f='${Version}' hydra) V_SLOWHTTPTEST=$(dpkg-query -W -f='${Version}' slowhttptest) \
  V_SQLMAP=$(dpkg-query -W -f='${Version}' sqlmap) V_SCAPY=$(dpkg-query -W -f='${Version}' python3-scapy) \
  V_NGINX=$(tool_version nginx -v) V_OPENSSH=$(dpkg-query -W -f='${Version}' openssh-server) \
  V_VSFTPD=$(dpkg-query -W -f='${Version}' vsftpd) V_DNSMASQ=$(tool_version dnsmasq --version) \
  V_TCPDUMP=$(tool_version tcpdump --version) V_CURL=$(tool_version curl --version) \
  V_NODE=$(node -p process.versions.node) V_PYTHON=$(tool_version "$LAB_PY" --version) \
  "$LAB_PY" - <<'EOF'
import hashlib, json, os
out = os.environ['OUT']
def sha(p):
    h = hashlib.sha256()
    with open(os.path.join(out, p), 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()
files = ['capture.pcap', 'labels.csv', 'timeline.csv']
manifest = {
    'contract': 'labelled-capture (ARCHITECTURE.md): labels.csv src_ip,src_port,dst_ip,dst_port,proto,first_ts,last_ts,label,family,scenario',
    'profile': os.environ['LAB_PROFILE'],
    'seed': int(os.environ['LAB_SEED']),
    'only': os.environ['LAB_ONLY'] or None,
    'run_id': os.environ['LAB_ID'],
    'files': {p: {'sha256': sha(p), 'bytes': os.path.getsize(os.path.join(out, p))} for p in files},
    'flows': json.loads(os.environ['LABEL_SUMMARY']),
    'flow_extractor': 'node bin/ids.js analyze CAPTURE -l DIR (flows.json)',
    'tools': {k[2:].lower(): v for k, v in sorted(os.environ.items()) if k.startswith('V_')},
}
with open(os.path.join(out, 'manifest.json'), 'w') as f:
    json.dump(manifest, f, indent=2)
    f.write('\n')
EOF
log "wrote $OUT (capture $(du -h "$OUT/capture.pcap" | cut -f1), $(($(wc -l <"$OUT/labels.csv") - 1)) flows)"
