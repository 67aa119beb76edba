# SPDX-License-Identifier: LGPL-2.1-or-later
"""A stand-in for `conntrack --pcap ... --ruleset ...` that answers with the
kernel's recorded answers (golden_fw/): it checks the comparison in
tests/integration/test_fw_oracle.py itself (the kernel must agree with
itself; a mutation must be caught) before the engine's CLI exists.

  CONNTRACK="/usr/bin/python3 tests/oracle/fwstub.py" \\
      /usr/bin/python3 tests/integration/test_fw_oracle.py
  FWSTUB_MUTATE=rule|state|left|table|expect|trace  (one deliberate error)

Understands --help, and with --pcap FILE --ruleset R: --packets -o json
[--pcap-out OUT], -L -o extended, -L expect [-f ipv6], --trace N.  The case
is the golden file whose trace starts with FILE's packets.
"""
import json
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import fworacle  # noqa: E402

MUTATE = os.environ.get("FWSTUB_MUTATE", "")


def read_trace(path):
    """l3 bytes of a pcap (raw IP) or pcapng (EPBs)."""
    with open(path, "rb") as f:
        data = f.read()
    out = []
    if data[:4] == b"\x0a\x0d\x0d\x0a":
        off = 0
        while off + 12 <= len(data):
            kind, size = struct.unpack_from("=II", data, off)
            if kind == 6:
                caplen = struct.unpack_from("=I", data, off + 20)[0]
                out.append(data[off + 28:off + 28 + caplen])
            off += size
        return out
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack_from("=I", data, off + 8)[0]
        out.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return out


def find_case(trace, ruleset):
    for name in fworacle.golden_names():
        header, packets, final = fworacle.read_golden(name)
        if header["ruleset_json"] == ruleset and len(packets) >= len(trace) and all(bytes.fromhex(p["l3"]) == l3 for p, l3 in zip(packets, trace)):
            return header, packets[:len(trace)], final, len(trace) == len(packets)
    sys.exit("fwstub: no golden trace starts with these packets")


def write_out(path, packets):
    with open(path, "wb") as f:
        f.write(struct.pack("=IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, 65535, 101))
        for p in packets:
            for x in p["left"]:
                data = bytearray(bytes.fromhex(x["l3"]))
                if MUTATE == "left" and p["packet"] == 1:
                    data[-1] ^= 1
                sec, nsec = divmod(int(round(p["time"] * 1e9)), 10 ** 9)
                f.write(struct.pack("=IIII", sec, nsec, len(data), len(data)) + bytes(data))


def main(argv):
    if "--help" in argv:
        print("conntrack (fwstub) --pcap FILE --ruleset R.json ...")
        return 0
    trace = read_trace(argv[argv.index("--pcap") + 1])
    with open(argv[argv.index("--ruleset") + 1]) as f:
        ruleset = json.load(f)
    header, packets, final, whole = find_case(trace, ruleset)
    if "--trace" in argv:
        n = int(argv[argv.index("--trace") + 1])
        for s in packets[n - 1]["trace"]:
            handle = 0 if MUTATE == "trace" else s["handle"]
            if s["handle"]:
                print("trace id 1 %s %s %s rule %s # handle %d (verdict %s)" % (
                    s["family"], s["table"], s["chain"], s["text"], handle, s["verdict"]))
            else:
                print("trace id 1 %s %s %s policy %s" % (s["family"], s["table"], s["chain"], s["verdict"]))
        return 0
    if "-L" in argv and argv[argv.index("-L") + 1:argv.index("-L") + 2] == ["expect"]:
        lines = final["expect"] if whole else packets[-1].get("expect_after", [])
        v6 = "-f" in argv and argv[argv.index("-f") + 1] == "ipv6"
        lines = [x for x in lines if (":" in x.split("src=", 1)[-1].split()[0]) == v6]
        if MUTATE == "expect" and lines:
            lines = lines[1:]
        print("\n".join(lines) if lines else "", end="\n" if lines else "")
        return 0
    if "-L" in argv:
        table = final["table"][1:] if MUTATE == "table" else final["table"]
        print("\n".join(table))
        return 0
    if "--pcap-out" in argv:
        write_out(argv[argv.index("--pcap-out") + 1], packets)
    for p in packets:
        rule = p["rule"]
        if MUTATE == "rule" and p["verdict"] == "drop" and rule:
            rule = dict(rule, handle=rule["handle"] + 1)
        state = "invalid" if MUTATE == "state" and p["packet"] == 1 else p["state"]
        print(json.dumps({"packet": p["packet"], "time": p["time"], "state": state, "direction": p["direction"],
                          "reason": p["reason"], "verdict": p["verdict"], "rule": rule}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
