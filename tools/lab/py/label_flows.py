#!/usr/bin/python3
"""Derives labels.csv (the labelled-capture contract) from the project's flows and the timeline.

  label_flows.py FLOWS_JSON TIMELINE_CSV LABELS_CSV [GRACE_S]

A flow takes an attack row's label when the row's wire address (the attacker's own, or the
spoofed source for spoofed-source attacks) is the flow's initiator or
responder AND the flow overlaps the row's window widened by GRACE_S after its end (late answers,
retransmissions, FIN exchanges). Attacker addresses are unique per scenario, so at most one row
can match; if two ever did, the earlier-starting one wins and the count of such flows is printed.
Every other flow is benign, its scenario the benign row whose client address it involves, else
"background".
"""
import csv
import json
import sys

HEADER = ['src_ip', 'src_port', 'dst_ip', 'dst_port', 'proto', 'first_ts', 'last_ts', 'label', 'family', 'scenario']
PROTOS = {'tcp', 'udp', 'icmp'}


def load_timeline(path):
    with open(path, newline='') as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r['start'], r['end'] = float(r['start']), float(r['end'])
    rows.sort(key=lambda r: r['start'])
    return [r for r in rows if r['family'] != 'benign'], [r for r in rows if r['family'] == 'benign']


def main():
    flows_path, timeline_path, out_path = sys.argv[1:4]
    grace = float(sys.argv[4]) if len(sys.argv) > 4 else 5.0
    attacks, benign = load_timeline(timeline_path)
    counts, ambiguous, skipped = {}, 0, 0
    with open(flows_path) as f, open(out_path, 'w', newline='') as out:
        w = csv.writer(out, lineterminator='\n')
        w.writerow(HEADER)
        for line in f:
            if not line.strip():
                continue
            fl = json.loads(line)
            proto = str(fl['proto']).lower()
            if proto not in PROTOS:
                skipped += 1
                continue
            first, last = fl['ts_us'] / 1e6, fl['last_ts_us'] / 1e6
            hosts = (fl['orig_h'], fl['resp_h'])
            hits = [r for r in attacks if r['wire_ip'] in hosts and first <= r['end'] + grace and last >= r['start']]
            if len(hits) > 1:
                ambiguous += 1
            if hits:
                row = hits[0]
                label, family, scenario = row['label'], row['family'], row['scenario']
            else:
                owner = next((r for r in benign if r['wire_ip'] in hosts), None)
                label, family, scenario = 'benign', 'benign', owner['scenario'] if owner else 'background'
            counts[label] = counts.get(label, 0) + 1
            w.writerow([fl['orig_h'], fl['orig_p'], fl['resp_h'], fl['resp_p'], proto,
                        '%.6f' % first, '%.6f' % last, label, family, scenario])
    print(json.dumps({'labels': counts, 'ambiguous': ambiguous, 'skipped_non_ip_proto': skipped}))


if __name__ == '__main__':
    main()
