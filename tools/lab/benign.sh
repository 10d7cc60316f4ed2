#!/usr/bin/env bash
# Benign client loop, run by run.sh INSIDE a benign namespace:
#   benign.sh SERVER_IP ROUNDS DEADLINE_EPOCH SEED MIX WORKDIR
# Bounded by ROUNDS and by DEADLINE_EPOCH (wall clock), every client under timeout(1).
# MIX picks the kind of user: "web" (browsing, DNS, ping) or "ops" (ssh/scp/ftp + some web).
# Several users of each kind run at once (run.sh); their seeds differ.
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
WORDS=(router switch cable sensor firewall lamp desk printer laptop monitor "usb hub" keyboard)
PAGES=(page-300 page-300 page-300 page-900 page-900 page-900 page-2000 page-2000 page-4500 page-9000 page-16000)
ASSETS=(site.css app.js site.css img-1200.png img-1200.png img-6000.png img-14000.png)

# One page view: the page, then 0-3 assets, each on its own connection or all on one
# keep-alive connection (curl with several URLs), over http or https.
page_view() {
  local ua=${AGENTS[RANDOM % ${#AGENTS[@]}]} scheme=http k=() urls=() i n
  ((RANDOM % 2)) && scheme=https k=(-k)
  urls+=("$scheme://$SERVER/static/${PAGES[RANDOM % ${#PAGES[@]}]}.html")
  n=$((RANDOM % 4))
  for ((i = 0; i < n; i++)); do urls+=("$scheme://$SERVER/static/${ASSETS[RANDOM % ${#ASSETS[@]}]}"); done
  if ((RANDOM % 2)); then
    local args=()
    for i in "${urls[@]}"; do args+=(-o /dev/null "$i"); done
    timeout 10 curl -s "${k[@]}" -A "$ua" "${args[@]}"
  else
    for i in "${urls[@]}"; do timeout 10 curl -s "${k[@]}" -o /dev/null -A "$ua" "$i"; done
  fi
}

web() {
  local ua=${AGENTS[RANDOM % ${#AGENTS[@]}]} scheme=http k=()
  ((RANDOM % 2)) && scheme=https k=(-k)
  case $((RANDOM % 10)) in
  0 | 1 | 2 | 3) page_view ;;
  4) timeout 10 curl -s "${k[@]}" -o /dev/null -A "$ua" "$scheme://$SERVER/" ;;
  5) timeout 10 curl -s "${k[@]}" -o /dev/null -u "admin:$PASS" "$scheme://$SERVER/private/" ;;
  6) timeout 10 curl -s "${k[@]}" -o /dev/null -A "$ua" "$scheme://$SERVER/app/item?id=$((RANDOM % 5 + 1))" ;;
  7) timeout 10 curl -s "${k[@]}" -o /dev/null -A "$ua" -G --data-urlencode "q=${WORDS[RANDOM % ${#WORDS[@]}]}" "$scheme://$SERVER/app/search" ;;
  8) timeout 10 curl -s "${k[@]}" -o /dev/null -A "$ua" "$scheme://$SERVER/app/page?file=help.html" ;;
  9) timeout 10 wget -q --no-check-certificate -O /dev/null "$scheme://$SERVER/static/${PAGES[RANDOM % ${#PAGES[@]}]}.html" ;;
  esac
}

dns() {
  local names=("www.$ZONE" "ftp.$ZONE" "mail.$ZONE" "$ZONE" "www.$ZONE" "nope$RANDOM.$ZONE")
  local types=(A A MX TXT AAAA A)
  local i=$((RANDOM % 6))
  timeout 5 dig +tries=1 +time=2 "@$SERVER" "${names[i]}" "${types[i]}" >/dev/null
}

ops() {
  local cmds=('uptime; ls' 'df -h; free' 'ls -la; cat readme.txt | head -n 50' 'ps aux | head -n 20' 'id; date')
  case $((RANDOM % 5)) in
  0 | 4) timeout 15 sshpass -p "$PASS" ssh "${SSH_OPTS[@]}" "$USER_NAME@$SERVER" "${cmds[RANDOM % ${#cmds[@]}]}" >/dev/null ;;
  1) head -c $((RANDOM % 12000 + 500)) /dev/urandom | base64 >"$WORK/upload.txt"
    timeout 15 sshpass -p "$PASS" scp "${SSH_OPTS[@]}" "$WORK/upload.txt" "$USER_NAME@$SERVER:upload-$RANDOM.txt" ;;
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
    0 | 1 | 2) dns ;;
    3) timeout 5 ping -c $((RANDOM % 3 + 1)) -i 0.3 -W 1 "$SERVER" >/dev/null ;;
    *) web ;;
    esac
    ;;
  ops)
    case $((RANDOM % 10)) in
    0 | 1 | 2 | 3) ops ;;
    4 | 5) dns ;;
    *) web ;;
    esac
    ;;
  esac
  # Think time between 0.1 and 1.3 s.
  sleep "$(printf '0.%d' $((RANDOM % 8 + 1)))"
  ((RANDOM % 4 == 0)) && sleep 0.5
done
exit 0
