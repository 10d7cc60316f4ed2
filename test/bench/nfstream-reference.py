"""NFStream (a flow meter in C: libpcap + nDPI, driven from Python) over a capture file, timed.

    .local/venv/bin/python test/bench/nfstream-reference.py CAPTURE [N_DISSECTIONS]

Prints one JSON line: flows, packets and bytes it accounted, and the seconds from creating the
streamer to the last flow. One meter process (n_meters=1), no statistics (statistical_analysis
False); N_DISSECTIONS 0 (default) turns nDPI's application detection off, like our flow table,
which does none. The timer starts after `import nfstream` (pandas, numpy), as node's start-up is
left out of the embedded figures.
"""

import json
import sys
import time


def main() -> None:
    path = sys.argv[1]
    dissections = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    import nfstream
    from nfstream import NFStreamer

    t0 = time.perf_counter_ns()
    flows = packets = nbytes = 0
    for flow in NFStreamer(source=path, statistical_analysis=False, n_dissections=dissections, n_meters=1):
        flows += 1
        packets += flow.bidirectional_packets
        nbytes += flow.bidirectional_bytes
    seconds = (time.perf_counter_ns() - t0) / 1e9
    print(json.dumps({"flows": flows, "packets": packets, "bytes": nbytes, "seconds": seconds,
                      "version": nfstream.__version__, "nDissections": dissections}))


if __name__ == "__main__":
    main()
