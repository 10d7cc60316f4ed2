#!/usr/bin/env bash
# Regenerates test/cases/signatures/<case>/expected.json from the oracle: Suricata runs every
# attack and benign capture with the full shipped rule set (rules/*.rules) and the default config
# (HOME_NET pinned to its default 192.168.0.0/16, 10.0.0.0/8, 172.16.0.0/12), and the alerts of eve.json are counted
# per sid. Usage, from anywhere: test/cases/signatures/run-suricata.sh [case ...]
# Needs suricata (7.0.x) and jq. A rule Suricata cannot load stops the run (--init-errors-fatal).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Suricata takes one -S file: the four files, concatenated in a fixed order.
cat "$root"/rules/dos.rules "$root"/rules/scan.rules "$root"/rules/web.rules "$root"/rules/bruteforce.rules > "$work/all.rules"
shipped="$(grep -cE '^alert ' "$work/all.rules")"

# The address groups the expectations were made with, pinned so that a local edit of
# /etc/suricata/suricata.yaml cannot change them (they are its defaults).
pinned=(--set 'vars.address-groups.HOME_NET=[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]' --set 'vars.address-groups.EXTERNAL_NET=!$HOME_NET')

# Prints {"<sid>": count, ...} for one capture.
alerts() {
  local pcap="$1" out="$work/run"
  rm -rf "$out" && mkdir -p "$out"
  timeout 120 suricata -r "$pcap" -S "$work/all.rules" -l "$out" -k none --runmode single --init-errors-fatal "${pinned[@]}" -v > "$out/console.log" 2>&1 || {
    cat "$out/console.log" >&2
    echo "suricata failed on $pcap" >&2
    exit 1
  }
  grep -q "$shipped rules successfully loaded, 0 rules failed" "$out/console.log" || {
    grep -i "rules successfully loaded" "$out/console.log" >&2
    echo "not all $shipped rules loaded" >&2
    exit 1
  }
  jq -s -S 'map(select(.event_type == "alert") | .alert.signature_id | tostring) | group_by(.) | map({ (.[0]): length }) | add // {}' "$out/eve.json"
}

cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
  for dir in "$here"/*/; do [ -f "$dir/attack.pcap" ] && cases+=("$(basename "$dir")"); done
fi
for name in "${cases[@]}"; do
  attack="$(alerts "$here/$name/attack.pcap")"
  benign="$(alerts "$here/$name/benign.pcap")"
  jq -n -S --argjson attack "$attack" --argjson benign "$benign" '{ attack: $attack, benign: $benign }' > "$here/$name/expected.json"
  echo "$name: attack $(jq -c . <<< "$attack") benign $(jq -c . <<< "$benign")"
done
