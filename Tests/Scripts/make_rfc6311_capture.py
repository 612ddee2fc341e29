#!/usr/bin/env python3
"""Build an independent RFC 6311 HA-failover test capture.

This generator is deliberately written with a different tool chain than the Swift code it
checks: IKEv2 messages are assembled byte by byte with `struct`, the SK payloads are
encrypted/authenticated with the `cryptography` package (AES-CBC-256 + HMAC-SHA2-256-128,
RFC 7296 §3.14, RFC 3602, RFC 4868), and Ethernet/IPv4/UDP framing plus classic-pcap output
come from scapy (which computes the IPv4 and UDP checksums).

Outputs (in --out, default Tests/Fixtures/independent next to this script's Tests dir):
  rfc6311-sync.pcap   classic pcap, LINKTYPE_ETHERNET, deterministic
  rfc6311-sync.keys   one Wireshark `ikev2_decryption_table` row
  expected.json       per-frame ground truth + the RFC 6311 sync summary

Scenario (peer = IKE initiator 198.51.100.10, HA gateway = IKE responder 203.0.113.1):
  IKE_SA_INIT (UDP 500) -> IKE_AUTH (UDP 4500, both sides claim 16420 + 16421)
  -> liveness INFORMATIONALs both ways + ESP-in-UDP -> failover: the standby (new MAC,
  other TTL / IP ID sequence) sends INFORMATIONAL MID 0 {N(16422), N(16423)} -> peer answers
  MID 0 {N(16422)} (RFC 6311 §5.1: the response holds only IKEV2_MESSAGE_ID_SYNC)
  -> both sides continue at the synced Message IDs; the peer's ESP sequence numbers advance
  by exactly the announced delta (RFC 6311 §5.2, §6.4), the gateway's own outbound ESP
  sequence numbers jump forward by its own (independent) amount (§5.2).

Usage:  python3 make_rfc6311_capture.py [--out DIR] [--check-tshark]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from scapy.all import Ether, IP, UDP, Raw, wrpcap, rdpcap  # type: ignore

SEED = 6311
T0 = 1767225600  # 2026-01-01T00:00:00Z

PEER_IP, PEER_MAC = "198.51.100.10", "02:00:00:00:00:10"
GW_IP = "203.0.113.1"
GW_MAC_ACTIVE, GW_MAC_STANDBY = "02:00:00:00:00:01", "02:00:00:00:00:02"

ESP_SPI_FROM_PEER = 0x11111111  # gateway's inbound Child SA (peer -> gateway)
ESP_SPI_FROM_GW = 0x22222222    # peer's inbound Child SA (gateway -> peer)

# RFC 7296 §3.2 payload types
PT = {"SA": 33, "KE": 34, "IDi": 35, "IDr": 36, "AUTH": 39, "Nonce": 40, "N": 41,
      "TSi": 44, "TSr": 45, "SK": 46}
PT_NAME = {v: k for k, v in PT.items()}
# RFC 7296 §3.1 exchange types
EXCH = {"IKE_SA_INIT": 34, "IKE_AUTH": 35, "INFORMATIONAL": 37}
EXCH_NAME = {v: k for k, v in EXCH.items()}
FLAG_I, FLAG_V, FLAG_R = 0x08, 0x10, 0x20

# RFC 6311 §12 notify types
N_MID_SYNC_SUPPORTED = 16420
N_REPLAY_SYNC_SUPPORTED = 16421
N_MID_SYNC = 16422
N_REPLAY_SYNC = 16423
NOTIFY_NAME = {
    N_MID_SYNC_SUPPORTED: "IKEV2_MESSAGE_ID_SYNC_SUPPORTED",
    N_REPLAY_SYNC_SUPPORTED: "IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED",
    N_MID_SYNC: "IKEV2_MESSAGE_ID_SYNC",
    N_REPLAY_SYNC: "IPSEC_REPLAY_COUNTER_SYNC",
}

BLOCK = 16
ICV_LEN = 16  # HMAC-SHA2-256-128 (RFC 4868)


# ----------------------------------------------------------------------------------------
# IKEv2 encoding (RFC 7296 §3)
# ----------------------------------------------------------------------------------------

def chain(payloads: list[tuple[int, bytes]]) -> tuple[int, bytes]:
    """Link (type, body) pairs with generic payload headers; returns (first type, bytes)."""
    out = b""
    for i, (_, body) in enumerate(payloads):
        nxt = payloads[i + 1][0] if i + 1 < len(payloads) else 0
        out += struct.pack("!BBH", nxt, 0, 4 + len(body)) + body
    return (payloads[0][0] if payloads else 0), out


def transform(ttype: int, tid: int, attrs: bytes = b"", last: bool = False) -> bytes:
    return struct.pack("!BBHBBH", 0 if last else 3, 0, 8 + len(attrs), ttype, 0, tid) + attrs


def proposal(num: int, proto: int, spi: bytes, transforms: list[bytes]) -> bytes:
    body = b"".join(transforms)
    return struct.pack("!BBHBBBB", 0, 0, 8 + len(spi) + len(body), num, proto, len(spi),
                       len(transforms)) + spi + body


def sa_ike() -> bytes:
    # ENCR_AES_CBC(12) keylen 256 (TV attribute 14), PRF_HMAC_SHA2_256(5),
    # AUTH_HMAC_SHA2_256_128(12), DH group 14 (MODP 2048)
    return proposal(1, 1, b"", [
        transform(1, 12, struct.pack("!HH", 0x800E, 256)),
        transform(2, 5),
        transform(3, 12),
        transform(4, 14, last=True),
    ])


def sa_esp(spi: int) -> bytes:
    # ENCR_AES_CBC 256, AUTH_HMAC_SHA2_256_128, ESN = 0 (no ESN -> 4-octet replay delta)
    return proposal(1, 3, struct.pack("!I", spi), [
        transform(1, 12, struct.pack("!HH", 0x800E, 256)),
        transform(3, 12),
        transform(5, 0, last=True),
    ])


def notify(ntype: int, data: bytes = b"") -> bytes:
    return struct.pack("!BBH", 0, 0, ntype) + data  # Protocol ID 0, SPI size 0


def ts_ipv4(lo: str, hi: str) -> bytes:
    a = bytes(int(x) for x in lo.split("."))
    b = bytes(int(x) for x in hi.split("."))
    ts = struct.pack("!BBHHH", 7, 0, 16, 0, 65535) + a + b  # TS_IPV4_ADDR_RANGE, any proto
    return struct.pack("!B3x", 1) + ts


def ike_header(spii: bytes, spir: bytes, nxt: int, exch: int, flags: int, mid: int,
               length: int) -> bytes:
    return spii + spir + struct.pack("!BBBBII", nxt, 0x20, exch, flags, mid, length)


@dataclass
class Keys:
    spii: bytes
    spir: bytes
    sk_ei: bytes
    sk_er: bytes
    sk_ai: bytes
    sk_ar: bytes


def build_sk_message(keys: Keys, exch: int, flags: int, mid: int,
                     inner: list[tuple[int, bytes]], iv: bytes, pad_byte: int = 0) -> tuple[bytes, bytes]:
    """RFC 7296 §3.14: HDR | SK{IV | E(inner | pad | padlen) | ICV}.

    The key pair is chosen by the *original* role of the sender (I flag), not by
    request/response. Returns (message, plaintext)."""
    first, inner_bytes = chain(inner)
    padlen = (BLOCK - (len(inner_bytes) + 1) % BLOCK) % BLOCK
    plaintext = inner_bytes + bytes([pad_byte]) * padlen + bytes([padlen])
    assert len(plaintext) % BLOCK == 0
    from_initiator = bool(flags & FLAG_I)
    ek = keys.sk_ei if from_initiator else keys.sk_er
    ak = keys.sk_ai if from_initiator else keys.sk_ar
    enc = Cipher(algorithms.AES(ek), modes.CBC(iv)).encryptor()
    ct = enc.update(plaintext) + enc.finalize()
    sk_len = 4 + len(iv) + len(ct) + ICV_LEN
    total = 28 + sk_len
    hdr = ike_header(keys.spii, keys.spir, PT["SK"], exch, flags, mid, total)
    body = hdr + struct.pack("!BBH", first, 0, sk_len) + iv + ct
    icv = hmac.new(ak, body, hashlib.sha256).digest()[:ICV_LEN]
    return body + icv, plaintext


def parse_chain(first: int, data: bytes) -> list[tuple[int, bytes]]:
    """Walk a payload chain; SK (46) is always last in the outer chain (its Next Payload
    field names the first *inner* payload, RFC 7296 §3.14)."""
    out, nxt, off = [], first, 0
    while nxt != 0:
        n2, _, ln = struct.unpack_from("!BBH", data, off)
        assert ln >= 4 and off + ln <= len(data), "bad payload length"
        out.append((nxt, data[off + 4: off + ln]))
        if nxt == PT["SK"]:
            break
        nxt, off = n2, off + ln
    return out


def decrypt_check(keys: Keys, msg: bytes) -> tuple[int, list[tuple[int, bytes]]]:
    """Independent re-check of one SK message: ICV, decryption, padding, inner chain."""
    flags = msg[19]
    ek = keys.sk_ei if flags & FLAG_I else keys.sk_er
    ak = keys.sk_ai if flags & FLAG_I else keys.sk_ar
    assert msg[16] == PT["SK"]
    first, _, sk_len = struct.unpack_from("!BBH", msg, 28)
    assert 28 + sk_len == len(msg) == struct.unpack_from("!I", msg, 24)[0]
    icv = msg[-ICV_LEN:]
    assert hmac.compare_digest(icv, hmac.new(ak, msg[:-ICV_LEN], hashlib.sha256).digest()[:ICV_LEN])
    iv, ct = msg[32:48], msg[48:-ICV_LEN]
    dec = Cipher(algorithms.AES(ek), modes.CBC(iv)).decryptor()
    pt = dec.update(ct) + dec.finalize()
    padlen = pt[-1]
    inner = pt[: len(pt) - 1 - padlen]
    return first, parse_chain(first, inner)


# ----------------------------------------------------------------------------------------
# Frame assembly
# ----------------------------------------------------------------------------------------

@dataclass
class Host:
    mac: str
    ip: str
    ttl: int
    ip_id: int
    ip_id_step: int

    def next_id(self) -> int:
        v = self.ip_id
        self.ip_id = (self.ip_id + self.ip_id_step) & 0xFFFF
        return v


@dataclass
class Capture:
    rng: random.Random
    keys: Keys
    frames: list = field(default_factory=list)
    records: list = field(default_factory=list)

    def _emit(self, src: Host, dst_mac: str, dst_ip: str, sport: int, dport: int,
              udp_payload: bytes) -> int:
        pkt = (Ether(src=src.mac, dst=dst_mac) /
               IP(src=src.ip, dst=dst_ip, ttl=src.ttl, id=src.next_id()) /
               UDP(sport=sport, dport=dport) / Raw(load=udp_payload))
        pkt = Ether(bytes(pkt))  # freeze lengths and checksums
        number = len(self.frames) + 1
        pkt.time = T0 + (number - 1)
        self.frames.append(pkt)
        return number


def main() -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(here, "..", "Fixtures", "independent"))
    ap.add_argument("--check-tshark", action="store_true",
                    help="decrypt with tshark and assert every ICV is [correct]")
    args = ap.parse_args()
    out = os.path.normpath(args.out)
    os.makedirs(out, exist_ok=True)

    rng = random.Random(SEED)
    rb = lambda n: bytes(rng.getrandbits(8) for _ in range(n))  # noqa: E731

    keys = Keys(spii=rb(8), spir=rb(8), sk_ei=rb(32), sk_er=rb(32), sk_ai=rb(32), sk_ar=rb(32))
    cap = Capture(rng=rng, keys=keys)

    peer = Host(PEER_MAC, PEER_IP, ttl=64, ip_id=0x2000, ip_id_step=1)
    gw_old = Host(GW_MAC_ACTIVE, GW_IP, ttl=64, ip_id=0x1000, ip_id_step=1)
    gw_new = Host(GW_MAC_STANDBY, GW_IP, ttl=255, ip_id=0xA000, ip_id_step=3)
    state = {"gw": gw_old}  # which gateway box is currently active

    def gw_mac() -> str:
        return state["gw"].mac

    ike_frames: list[dict] = []
    esp_frames: list[dict] = []

    def send_ike(from_peer: bool, msg: bytes, port: int, inner=None, sk_plain: bytes | None = None) -> int:
        payload = msg if port == 500 else b"\x00\x00\x00\x00" + msg  # RFC 3948 non-ESP marker
        if from_peer:
            n = cap._emit(peer, gw_mac(), GW_IP, port, port, payload)
        else:
            n = cap._emit(state["gw"], PEER_MAC, PEER_IP, port, port, payload)
        exch, flags = msg[18], msg[19]
        mid = struct.unpack_from("!I", msg, 20)[0]
        outer = [PT_NAME[t] for t, _ in parse_chain(msg[16], msg[28:])]
        rec = {
            "frame": n,
            "direction": "peer->gateway" if from_peer else "gateway->peer",
            "src_mac": PEER_MAC if from_peer else state["gw"].mac,
            "dst_mac": gw_mac() if from_peer else PEER_MAC,
            "udp_port": port,
            "non_esp_marker": port == 4500,
            "message_id": mid,
            "exchange": EXCH_NAME[exch],
            "exchange_type": exch,
            "flags": flags,
            "flag_names": [n_ for b, n_ in ((FLAG_I, "I"), (FLAG_V, "V"), (FLAG_R, "R")) if flags & b],
            "is_response": bool(flags & FLAG_R),
            "ike_length": len(msg),
            "payloads": outer,
            "payload_types": [PT[x] for x in outer],
        }
        notifies: list[int] = []
        if inner is not None:
            first, parsed = decrypt_check(keys, msg)
            rec["inner_payloads"] = [PT_NAME[t] for t, _ in parsed]
            rec["inner_payload_types"] = [t for t, _ in parsed]
            for t, body in parsed:
                if t == PT["N"]:
                    notifies.append(struct.unpack_from("!H", body, 2)[0])
            rec["sk_plaintext_hex"] = sk_plain.hex() if sk_plain is not None else None
        else:
            rec["inner_payloads"] = None
            rec["inner_payload_types"] = None
        rec["notify_types"] = notifies
        rec["notify_names"] = [NOTIFY_NAME.get(t, str(t)) for t in notifies]
        ike_frames.append(rec)
        return n

    def ike_sk(from_peer: bool, exch: str, mid: int, response: bool,
               inner: list[tuple[int, bytes]]) -> int:
        # Peer is the original initiator -> I flag on every message it sends.
        flags = (FLAG_I if from_peer else 0) | (FLAG_R if response else 0)
        msg, pt = build_sk_message(keys, EXCH[exch], flags, mid, inner, iv=rb(16))
        return send_ike(from_peer, msg, 4500, inner=inner, sk_plain=pt)

    esp_seq = {"peer": 0, "gw": 0}

    def send_esp(from_peer: bool, seq: int) -> int:
        spi = ESP_SPI_FROM_PEER if from_peer else ESP_SPI_FROM_GW
        # opaque ESP body: 16 IV + 64 ciphertext + 16 ICV (never decrypted by anyone)
        body = struct.pack("!II", spi, seq) + rb(16 + 64 + 16)
        if from_peer:
            n = cap._emit(peer, gw_mac(), GW_IP, 4500, 4500, body)
        else:
            n = cap._emit(state["gw"], PEER_MAC, PEER_IP, 4500, 4500, body)
        esp_frames.append({"frame": n, "direction": "peer->gateway" if from_peer else "gateway->peer",
                           "src_mac": PEER_MAC if from_peer else state["gw"].mac,
                           "dst_mac": gw_mac() if from_peer else PEER_MAC,
                           "spi": f"0x{spi:08x}", "seq": seq})
        esp_seq["peer" if from_peer else "gw"] = seq
        return n

    def esp_next(from_peer: bool) -> int:
        return send_esp(from_peer, esp_seq["peer" if from_peer else "gw"] + 1)

    # --- 1. IKE_SA_INIT (UDP 500, cleartext) -------------------------------------------
    ke_i, ni = rb(256), rb(32)
    ke_r, nr = rb(256), rb(32)
    for from_peer, ke, nonce in ((True, ke_i, ni), (False, ke_r, nr)):
        first, body = chain([(PT["SA"], sa_ike()),
                             (PT["KE"], struct.pack("!HH", 14, 0) + ke),
                             (PT["Nonce"], nonce)])
        spir = b"\x00" * 8 if from_peer else keys.spir
        flags = FLAG_I if from_peer else FLAG_R
        msg = ike_header(keys.spii, spir, first, EXCH["IKE_SA_INIT"], flags, 0, 28 + len(body)) + body
        send_ike(from_peer, msg, 500)

    # --- 2. IKE_AUTH (UDP 4500, SK) with both RFC 6311 capabilities --------------------
    ike_sk(True, "IKE_AUTH", 1, False, [
        (PT["IDi"], struct.pack("!B3x", 2) + b"peer.example.net"),   # ID_FQDN
        (PT["AUTH"], struct.pack("!B3x", 2) + rb(32)),               # shared key MIC (fake)
        (PT["N"], notify(N_MID_SYNC_SUPPORTED)),
        (PT["N"], notify(N_REPLAY_SYNC_SUPPORTED)),
        (PT["SA"], sa_esp(ESP_SPI_FROM_GW)),    # initiator's inbound SPI
        (PT["TSi"], ts_ipv4("10.1.0.0", "10.1.0.255")),
        (PT["TSr"], ts_ipv4("10.2.0.0", "10.2.0.255")),
    ])
    ike_sk(False, "IKE_AUTH", 1, True, [
        (PT["IDr"], struct.pack("!B3x", 2) + b"gw.example.com"),
        (PT["AUTH"], struct.pack("!B3x", 2) + rb(32)),
        (PT["N"], notify(N_MID_SYNC_SUPPORTED)),
        (PT["N"], notify(N_REPLAY_SYNC_SUPPORTED)),
        (PT["SA"], sa_esp(ESP_SPI_FROM_PEER)),  # responder's inbound SPI
        (PT["TSi"], ts_ipv4("10.1.0.0", "10.1.0.255")),
        (PT["TSr"], ts_ipv4("10.2.0.0", "10.2.0.255")),
    ])

    # --- 3. steady state: liveness both ways + ESP ----------------------------------------
    def liveness(from_peer: bool, mid: int) -> None:
        ike_sk(from_peer, "INFORMATIONAL", mid, False, [])
        ike_sk(not from_peer, "INFORMATIONAL", mid, True, [])

    esp_next(True); esp_next(False)
    liveness(True, 2)
    esp_next(True); esp_next(False)
    liveness(False, 0)
    liveness(True, 3)
    esp_next(True); esp_next(False)
    liveness(False, 1)
    liveness(True, 4)
    esp_next(True); esp_next(False)

    # What the peer really knows at failover time (RFC 6311 §5.1 terms):
    peer_highest_sent = 4        # last request MID the peer used
    peer_highest_recv = 1        # last request MID the peer received from the cluster
    # What the standby had replicated before the active box died (stale by one exchange
    # in each direction: it missed the gateway's MID 1 request and the peer's MID 4 request).
    standby_next_send = 1
    standby_last_recv = 3
    standby_esp_out_synced = 2   # gateway outbound ESP counter last replicated
    margin = 100                 # RFC 6311 §5.1: >= IKE window size; we use 100

    # Peer keeps sending ESP while the gateway is dead (lands nowhere; still captured).
    esp_next(True)

    # --- 4. failover: standby takes over, MID-0 sync INFORMATIONAL ---------------------
    state["gw"] = gw_new
    nonce = rb(4)
    m1 = standby_next_send + margin          # EXPECTED_SEND_REQ in the request
    p1 = standby_last_recv + 1               # EXPECTED_RECV_REQ in the request (RFC SHOULD)
    delta = 0x00010000                       # 4 octets: Child SAs have no ESN
    # Peer side (RFC 6311 §5.1): replay check, then maxima
    assert m1 > peer_highest_recv
    m2 = max(m1, peer_highest_recv + 1)
    p2 = max(p1, peer_highest_sent + 1)

    sync_req = ike_sk(False, "INFORMATIONAL", 0, False, [
        (PT["N"], notify(N_MID_SYNC, nonce + struct.pack("!II", m1, p1))),
        (PT["N"], notify(N_REPLAY_SYNC, struct.pack("!I", delta))),
    ])
    takeover_frame = sync_req
    # Response: only IKEV2_MESSAGE_ID_SYNC (RFC 6311 §5.1/§6.4: 16423 is request-only)
    sync_resp = ike_sk(True, "INFORMATIONAL", 0, True, [
        (PT["N"], notify(N_MID_SYNC, nonce + struct.pack("!II", p2, m2))),
    ])

    # --- 5. after the sync -----------------------------------------------------------------
    gw_esp_jump = 1 << 20                    # gateway's own outbound jump (§5.2)
    gw_esp_last_before = esp_seq["gw"]
    gw_esp_first_after = standby_esp_out_synced + gw_esp_jump + 1
    gw_esp_jump_frame = send_esp(False, gw_esp_first_after)
    peer_esp_last_before = esp_seq["peer"]
    peer_esp_first_after = peer_esp_last_before + delta + 1   # counter += delta, then +1
    peer_esp_jump_frame = send_esp(True, peer_esp_first_after)
    post_gw_req = ike_sk(False, "INFORMATIONAL", m2, False, [])
    post_gw_resp = ike_sk(True, "INFORMATIONAL", m2, True, [])
    post_peer_req = ike_sk(True, "INFORMATIONAL", p2, False, [])
    post_peer_resp = ike_sk(False, "INFORMATIONAL", p2, True, [])
    esp_next(True); esp_next(False)

    # --- write outputs ----------------------------------------------------------------------
    pcap_path = os.path.join(out, "rfc6311-sync.pcap")
    keys_path = os.path.join(out, "rfc6311-sync.keys")
    wrpcap(pcap_path, cap.frames, linktype=1)
    key_row = (f'{keys.spii.hex()},{keys.spir.hex()},{keys.sk_ei.hex()},{keys.sk_er.hex()},'
               f'"AES-CBC-256 [RFC3602]",{keys.sk_ai.hex()},{keys.sk_ar.hex()},'
               f'"HMAC_SHA2_256_128 [RFC4868]"')
    with open(keys_path, "w") as f:
        f.write(key_row + "\n")

    expected = {
        "generator": "Tests/Scripts/make_rfc6311_capture.py (Python struct + cryptography + scapy)",
        "seed": SEED,
        "first_timestamp": "2026-01-01T00:00:00Z",
        "timestamp_step_seconds": 1,
        "frame_count": len(cap.frames),
        "hosts": {
            "peer": {"ip": PEER_IP, "mac": PEER_MAC, "ttl": peer.ttl, "ip_id_start": 0x2000, "ip_id_step": 1,
                     "ike_role": "initiator"},
            "gateway_active": {"ip": GW_IP, "mac": GW_MAC_ACTIVE, "ttl": gw_old.ttl, "ip_id_start": 0x1000,
                               "ip_id_step": 1, "ike_role": "responder"},
            "gateway_standby": {"ip": GW_IP, "mac": GW_MAC_STANDBY, "ttl": gw_new.ttl, "ip_id_start": 0xA000,
                                "ip_id_step": 3, "ike_role": "responder"},
        },
        "ike_sa": {
            "spi_i": keys.spii.hex(), "spi_r": keys.spir.hex(),
            "encr": "ENCR_AES_CBC keylen 256", "integ": "AUTH_HMAC_SHA2_256_128",
            "prf": "PRF_HMAC_SHA2_256", "dh": 14,
            "sk_ei": keys.sk_ei.hex(), "sk_er": keys.sk_er.hex(),
            "sk_ai": keys.sk_ai.hex(), "sk_ar": keys.sk_ar.hex(),
            "sk_padding": "zero bytes, minimal pad length (0..15)",
        },
        "child_sa": {"esp_spi_from_peer": f"0x{ESP_SPI_FROM_PEER:08x}",
                     "esp_spi_from_gateway": f"0x{ESP_SPI_FROM_GW:08x}", "esn": False},
        "ike_frames": ike_frames,
        "esp_frames": esp_frames,
        "sync": {
            "request_frame": sync_req,
            "response_frame": sync_resp,
            "nonce": nonce.hex(),
            "M1": m1, "P1": p1, "P2": p2, "M2": m2,
            "request_tuple_send_recv": [m1, p1],
            "response_tuple_send_recv": [p2, m2],
            "replay_counter_delta": delta,
            "replay_counter_delta_octets": 4,
            "response_contains_replay_counter_sync": False,
            "derivation": {
                "standby_next_send": standby_next_send, "standby_last_recv": standby_last_recv,
                "margin": margin,
                "M1": "standby_next_send + margin",
                "P1": "standby_last_recv + 1",
                "peer_highest_recv_from_cluster": peer_highest_recv,
                "peer_highest_sent": peer_highest_sent,
                "M2": "max(M1, peer_highest_recv_from_cluster + 1)",
                "P2": "max(P1, peer_highest_sent + 1)",
            },
        },
        "takeover_frame": takeover_frame,
        "post_sync": {
            "gateway_request_frame": post_gw_req, "gateway_request_mid": m2,
            "peer_response_frame": post_gw_resp,
            "peer_request_frame": post_peer_req, "peer_request_mid": p2,
            "gateway_response_frame": post_peer_resp,
        },
        "esp_jumps": {
            "peer_to_gateway": {"spi": f"0x{ESP_SPI_FROM_PEER:08x}", "last_seq_before": peer_esp_last_before,
                                "first_seq_after": peer_esp_first_after, "jump": delta,
                                "frame_after": peer_esp_jump_frame,
                                "cause": "IPSEC_REPLAY_COUNTER_SYNC delta (RFC 6311 §5.2, §6.4)"},
            "gateway_to_peer": {"spi": f"0x{ESP_SPI_FROM_GW:08x}", "last_seq_before": gw_esp_last_before,
                                "first_seq_after": gw_esp_first_after, "frame_after": gw_esp_jump_frame,
                                "standby_synced_counter": standby_esp_out_synced, "jump": gw_esp_jump,
                                "cause": "gateway's own outbound jump after takeover (RFC 6311 §5.2)"},
        },
    }
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=2)
        f.write("\n")

    # Independent read-back: every SK frame in the written pcap decrypts with a valid ICV.
    for pkt in rdpcap(pcap_path):
        udp = bytes(pkt[UDP].payload)
        if pkt[UDP].dport == 4500 and udp[:4] == b"\x00\x00\x00\x00":
            decrypt_check(keys, udp[4:])

    print(f"wrote {pcap_path} ({len(cap.frames)} frames), {keys_path}, expected.json")
    print(f"sync: req frame {sync_req}, resp frame {sync_resp}, nonce {nonce.hex()}, "
          f"(M1,P1)=({m1},{p1}) (P2,M2)=({p2},{m2}) delta={delta} takeover={takeover_frame}")

    if args.check_tshark:
        return check_tshark(pcap_path, key_row, ike_frames, expected["esp_jumps"])
    return 0


def tshark_pdml(pcap_path: str, key_row: str) -> list:
    """Run tshark with the key row passed as a uat on the command line; return PDML packets."""
    import xml.etree.ElementTree as ET
    cmd = ["tshark", "-r", pcap_path, "-o", f"uat:ikev2_decryption_table:{key_row}",
           "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-T", "pdml"]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return ET.fromstring(res.stdout).findall("packet")


def check_tshark(pcap_path: str, key_row: str, ike_frames: list[dict], esp_jumps: dict) -> int:
    """Decrypt with tshark and compare with expected.json; then a negative control with a
    wrong SK_ar must make tshark report the gateway's ICVs as incorrect."""
    if shutil.which("tshark") is None:
        print("tshark not found", file=sys.stderr)
        return 2
    by_frame = {r["frame"]: r for r in ike_frames}
    # The only expert infos we accept: Wireshark's ESP sequence tracking noticing exactly
    # the two intended forward jumps (gap = first_after - last_before - 1).
    allowed_experts = {
        j["frame_after"]: f"Wrong Sequence Number for SPI {j['spi'][2:]} - "
                          f"{j['first_seq_after'] - j['last_seq_before'] - 1} missing"
        for j in esp_jumps.values()
    }

    def fields(pkt, name):
        return [f for f in pkt.iter("field") if f.get("name") == name]

    def run(row: str) -> tuple[list[str], dict[int, str]]:
        problems: list[str] = []
        icv_text: dict[int, str] = {}
        for pkt in tshark_pdml(pcap_path, row):
            n = int(fields(pkt, "frame.number")[0].get("show"))
            for cs in ("ip.checksum.status", "udp.checksum.status"):
                st = [f.get("show") for f in fields(pkt, cs)]
                if st != ["1"]:
                    problems.append(f"frame {n}: {cs} = {st} (want Good)")
            experts = [f.get("showname") for f in fields(pkt, "_ws.expert")]
            rec = by_frame.get(n)
            if rec is None:
                if fields(pkt, "isakmp.messageid"):
                    problems.append(f"frame {n}: unexpected ISAKMP")
                if [f.get("show") for f in fields(pkt, "esp.spi")] == []:
                    problems.append(f"frame {n}: not dissected as ESP")
                want = allowed_experts.get(n)
                if experts != ([] if want is None else [f"Expert Info (Warning/Sequence): {want}"]):
                    problems.append(f"frame {n}: expert info {experts}")
                continue
            mid = int(fields(pkt, "isakmp.messageid")[0].get("show"), 0)
            exch = int(fields(pkt, "isakmp.exchangetype")[0].get("show"))
            if (mid, exch) != (rec["message_id"], rec["exchange_type"]):
                problems.append(f"frame {n}: mid/exch {(mid, exch)}")
            icd = fields(pkt, "isakmp.enc.icd")
            if rec["inner_payloads"] is not None:
                text = icd[0].get("showname") if icd else "<none>"
                icv_text[n] = text
                if not text.endswith("[correct]"):
                    problems.append(f"frame {n}: ICV {text}")
            got = [int(f.get("show")) for f in fields(pkt, "isakmp.notify.msgtype")]
            if got != rec["notify_types"]:
                problems.append(f"frame {n}: notify types {got} != {rec['notify_types']}")
            if experts:
                problems.append(f"frame {n}: expert info {experts}")
        return problems, icv_text

    problems, icv_text = run(key_row)
    for p in problems:
        print("  " + p)
    print(f"tshark: {len(icv_text)} SK payloads, "
          f"{sum(t.endswith('[correct]') for t in icv_text.values())} with [correct] ICV")
    # negative control: corrupt SK_ar (7th field) -> every gateway SK frame must fail
    parts = key_row.split(",")
    parts[6] = ("0" if parts[6][0] != "0" else "1") + parts[6][1:]
    bad_problems, _ = run(",".join(parts))
    gw_sk = [r["frame"] for r in ike_frames if r["inner_payloads"] is not None and "gateway->" in r["direction"]]
    control_ok = all(any(p.startswith(f"frame {n}: ICV") for p in bad_problems) for n in gw_sk)
    print("negative control (wrong SK_ar flags all gateway SK frames):", "OK" if control_ok else "FAILED")
    ok = not problems and control_ok
    print("tshark check:", "OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
