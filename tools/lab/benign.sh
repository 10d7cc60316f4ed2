#!/usr/bin/env bash
# Benign client loop, run by run.sh INSIDE a benign namespace:
#   benign.sh SERVER_IP ROUNDS DEADLINE_EPOCH SEED MIX WORKDIR
# Bounded by ROUNDS and by DEADLINE_EPOCH (wall clock), every client under timeout(1).
# MIX picks the kind of user: "web" (browsing, DNS, ping) or "ops" (ssh/scp/ftp + some web).
set -uo pipefail

SERVER=$1 ROUNDS=$2 DEADLINE=$3 SEED=$4 MIX=$5 WORK=$6
USER_NAME=idslab
PASS=labpass
ZONE=lab.test
RANDOM=$SEED
mkdir -p "$WORK"
head -c 8000 /dev/urandom | base64 >"$WORK/upload.txt"

SSH_OPTS=(-F /dev/null -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=5)
AGENTS=('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36'
  'curl/7.88.1')
WORDS=(router switch cable sensor firewall lamp desk)

web() {
  local ua=${AGENTS[RANDOM % ${#AGENTS[@]}]}
  case $((RANDOM % 7)) in
  0) timeout 10 curl -s -o /dev/null -A "$ua" "http://$SERVER/" ;;
  1) timeout 10 curl -s -o /dev/null -A "$ua" "http://$SERVER/static/about.html" ;;
  2) timeout 10 curl -sk -o /dev/null -A "$ua" "https://$SERVER/" ;;
  3) timeout 10 curl -s -o /dev/null -u "admin:$PASS" "http://$SERVER/private/" ;;
  4) timeout 10 curl -s -o /dev/null -A "$ua" "http://$SERVER/app/item?id=$((RANDOM % 5 + 1))" ;;
  5) timeout 10 curl -s -o /dev/null -A "$ua" "http://$SERVER/app/search?q=${WORDS[RANDOM % ${#WORDS[@]}]}" ;;
  6) timeout 10 wget -q -O /dev/null "http://$SERVER/static/about.html" ;;
  esac
}

dns() {
  local names=("www.$ZONE" "ftp.$ZONE" "mail.$ZONE" "$ZONE")
  local types=(A A MX TXT)
  local i=$((RANDOM % 4))
  timeout 5 dig +tries=1 +time=2 "@$SERVER" "${names[i]}" "${types[i]}" >/dev/null
}

ops() {
  case $((RANDOM % 4)) in
  0) timeout 15 sshpass -p "$PASS" ssh "${SSH_OPTS[@]}" "$USER_NAME@$SERVER" 'uptime; ls' >/dev/null ;;
  1) timeout 15 sshpass -p "$PASS" scp "${SSH_OPTS[@]}" "$WORK/upload.txt" "$USER_NAME@$SERVER:upload-$RANDOM.txt" ;;
  2) timeout 15 sshpass -p "$PASS" scp "${SSH_OPTS[@]}" "$USER_NAME@$SERVER:readme.txt" "$WORK/readme.txt" ;;
  3) printf 'user %s %s\nbinary\nget readme.txt %s/ftp-readme.txt\nls\nbye\n' "$USER_NAME" "$PASS" "$WORK" |
    timeout 15 ftp -n -p "$SERVER" >/dev/null ;;
  esac
}

for ((round = 0; round < ROUNDS; round++)); do
  (($(date +%s) < DEADLINE)) || break
  case $MIX in
  web)
    case $((RANDOM % 10)) in
    0 | 1) dns ;;
    2) timeout 5 ping -c 2 -i 0.3 -W 1 "$SERVER" >/dev/null ;;
    *) web ;;
    esac
    ;;
  ops)
    case $((RANDOM % 10)) in
    0 | 1 | 2 | 3 | 4) ops ;;
    5) dns ;;
    *) web ;;
    esac
    ;;
  esac
  # Think time between 0.2 and 1.5 s.
  sleep "$(printf '0.%d' $((RANDOM % 9 + 1)))"
  ((RANDOM % 3 == 0)) && sleep 0.6
done
exit 0
