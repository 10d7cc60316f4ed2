#!/usr/bin/python3
"""Bounded floods with scapy (the holdout profile's alternative to hping3).

  flood.py syn|udp|icmp TARGET PORT COUNT INTERVAL_S [SOURCE]
SOURCE (default: the route's) is always one of the attacker namespace's own addresses, so every
flow is attributable and answers come back to it.
"""
import random
import sys

from scapy.all import ICMP, IP, TCP, UDP, RandShort, Raw, conf, send

conf.verb = 0


def main():
    kind, target, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    count, interval = int(sys.argv[4]), float(sys.argv[5])
    src = {'src': sys.argv[6]} if len(sys.argv) > 6 else {}
    if kind == 'syn':
        pkt = IP(dst=target, **src) / TCP(sport=RandShort(), dport=port, flags='S', window=1024)
    elif kind == 'udp':
        pkt = IP(dst=target, **src) / UDP(sport=RandShort(), dport=port) / Raw(b'\x00' * 120)
    elif kind == 'icmp':
        # One echo id per run, as ping/hping3 do.
        pkt = IP(dst=target, **src) / ICMP(id=random.randint(1, 65535)) / Raw(b'X' * 256)
    else:
        raise SystemExit('unknown flood kind: ' + kind)
    send(pkt, count=count, inter=interval)


if __name__ == '__main__':
    main()
