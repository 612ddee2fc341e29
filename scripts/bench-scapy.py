#!/usr/bin/env python3
"""scapy's row of scripts/bench: read every record with PcapReader and touch the IKEv2 layer's
header fields and payload list (scapy binds IKEv2 to UDP 500 and, with the non-ESP marker, 4500)."""
import sys
from scapy.utils import PcapReader
from scapy.contrib.ikev2 import IKEv2

n = 0
payloads = 0
with PcapReader(sys.argv[1]) as r:
    for pkt in r:
        ike = pkt.getlayer(IKEv2)
        if ike is None:
            continue
        n += 1
        _ = (ike.init_SPI, ike.resp_SPI, ike.exch_type, ike.flags, ike.id, ike.length)
        p = ike.payload
        while p is not None and p.__class__.__name__ != "NoPayload":
            payloads += 1
            p = p.payload
print(n, payloads)
