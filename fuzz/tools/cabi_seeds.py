#!/usr/bin/env python3
"""Writes the seed corpus of the `cabi` fuzz target (fuzz/seeds/cabi/).

The target decodes its input with `arbitrary` 1.x (derive) into a list of
`Op`s (fuzz/src/cabi.rs); this encodes chosen op sequences the same way:
an enum is a little-endian u32 whose (u32 * variants) >> 32 is the variant
index, integers are little-endian, a bool is a byte (& 1), a Vec is a
"continue" byte (1) before each element and a 0 after the last. Keep the
variant lists below in the order of the enums in cabi.rs.

    python3 fuzz/tools/cabi_seeds.py
"""
import os
import struct

OP = ["PlanNew", "PlanValidate", "PlanFree", "EngineNew", "EngineFree",
      "IngestRows", "IngestJson", "IngestJsonLines", "IngestCsv", "Query",
      "Alerts", "Report", "Snapshot", "Restore", "RestoreBytes", "Merge",
      "BufferFree", "Nulls"]
TEXT = ["Sample", "Pick", "Edited", "Bytes", "Null"]
STR = ["Null", "Word", "Bytes"]
RATING = ["Missing", "Small", "Any"]
AT = ["Day", "Any"]
WORDS = {"families": 0, "seniors": 1, "small-business": 2, "claims": 3,
         "billing": 4, "north": 5, "south": 6, "e1": 7, "phone": 8,
         "wait-time": 9, "claim-speed": 10, "courtesy": 11, "region": 12}


def variant(names, name):
    k, n = names.index(name), len(names)
    return struct.pack("<I", min((k * 2**32 + n - 1) // n, 2**32 - 1))


def u8(v): return bytes([v & 0xFF])
def u16(v): return struct.pack("<H", v)
def i8(v): return struct.pack("<b", v)
def i16(v): return struct.pack("<h", v)
def i64(v): return struct.pack("<q", v)


def vec(items):
    return b"".join(b"\x01" + it for it in items) + b"\x00"


def text(kind, arg=None):
    out = variant(TEXT, kind)
    if kind == "Pick":
        out += u8(arg)
    elif kind == "Edited":
        out += vec([u16(a) + u8(b) for a, b in arg])
    elif kind == "Bytes":
        out += vec([u8(b) for b in arg])
    return out


def s(v):
    if v is None:
        return variant(STR, "Null")
    if isinstance(v, bytes):
        return variant(STR, "Bytes") + vec([u8(b) for b in v])
    return variant(STR, "Word") + u8(WORDS[v])


def rating(v):
    if v is None:
        return variant(RATING, "Missing")
    if 0 <= v < 12:
        return variant(RATING, "Small") + u8(v)
    return variant(RATING, "Any") + i16(v)


def row(id=None, day=10, at=None, segment=None, touchpoint=None, channel=None,
        team=None, employee=None, nps=None, csat=None, ces=None, overall=None,
        attributes=(), expectations=(), dimensions=(), null_attributes=False):
    out = s(id)
    out += variant(AT, "Any") + i64(at) if at is not None else variant(AT, "Day") + u16(day)
    for v in (segment, touchpoint, channel, team, employee):
        out += s(v)
    for v in (nps, csat, ces, overall):
        out += rating(v)
    out += vec([s(k) + i8(v) for k, v in attributes])
    out += vec([s(k) + i8(v) for k, v in expectations])
    out += vec([s(k) + s(v) for k, v in dimensions])
    return out + u8(255 if null_attributes else 0)


def op(name, *fields):
    return variant(OP, name) + b"".join(fields)


def plan_new(slot, t=None): return op("PlanNew", u8(slot), t or text("Sample"))
def engine_new(plan, slot, config=None):
    return op("EngineNew", u8(plan), u8(slot), b"\x00" if config is None else b"\x01" + config)
def rows(engine, rs): return op("IngestRows", u8(engine), vec(rs))
def jsonl(engine, t=None): return op("IngestJsonLines", u8(engine), t or text("Sample"))
def json(engine, t=None): return op("IngestJson", u8(engine), t or text("Sample"))
def csv(engine, c=None, m=None): return op("IngestCsv", u8(engine), c or text("Sample"), m or text("Sample"))
def query(engine, t, buf): return op("Query", u8(engine), t, u8(buf))
def snapshot(engine, buf): return op("Snapshot", u8(engine), u8(buf))
def restore(buf, slot, edits=()): return op("Restore", u8(buf), u8(slot), vec([u16(a) + u8(b) for a, b in edits]))
def merge(into, frm): return op("Merge", u8(into), u8(frm))
def report(engine, fmt, buf, t=None): return op("Report", u8(engine), u8(fmt), t or text("Sample"), u8(buf))


GOOD = [
    row(id=b"c1", segment="families", touchpoint="claims", team="north", employee="e1",
        nps=9, csat=5, ces=6, overall=8, attributes=[("wait-time", 4), ("claim-speed", 5)],
        expectations=[("wait-time", 5)], dimensions=[("region", "north")]),
    row(id=b"c2", day=40, segment="seniors", team="south", nps=3, csat=1, ces=2,
        attributes=[("wait-time", 2), ("courtesy", 3)]),
]
BAD = [
    row(id=b"\xff\xfe", nps=12),                       # off scale, id not UTF-8
    row(segment=b"\xc3\x28", nps=5),                   # segment not UTF-8
    row(at=-2**63, nps=-2),                            # no such time, -2
    row(nps=7, null_attributes=True),                  # NULL array, length 1
    row(nps=7, attributes=[(None, 3)]),                # NULL attribute id
    row(nps=7, attributes=[("wait-time", -128)], dimensions=[(b"nope", b"x")]),
    row(csat=300, ces=-1, overall=32767),
]

SEEDS = {
    "lifecycle": [plan_new(0), engine_new(0, 0), jsonl(0), rows(0, GOOD + BAD),
                  query(0, text("Sample"), 0), snapshot(0, 1), restore(1, 1),
                  report(0, 0, 2), report(0, 1, 2), report(0, 2, 3),
                  op("Alerts", u8(0), u8(0)), op("EngineFree", u8(0)), op("PlanFree", u8(0))],
    "merge": [plan_new(0), engine_new(0, 0), engine_new(0, 1), jsonl(0), csv(1),
              rows(1, GOOD), json(1), merge(0, 1), query(0, text("Pick", 1), 0),
              merge(1, 1), merge(1, 0), snapshot(1, 2)],
    "limits": [plan_new(0), engine_new(0, 0, text("Pick", 1)), engine_new(0, 1, text("Pick", 1)),
               engine_new(0, 2, text("Pick", 2)), rows(0, GOOD), jsonl(1), csv(2),
               merge(0, 1), merge(0, 2), merge(2, 0), query(2, text("Pick", 2), 1)],
    "nulls": [op("Nulls"), plan_new(1, text("Null")), engine_new(1, 1),
              rows(1, GOOD), query(1, text("Null"), 0), merge(1, 2),
              op("RestoreBytes", u8(0), text("Null")), op("BufferFree", u8(3))],
    "hostile": [plan_new(0, text("Edited", [(40, 0x22), (41, 0xff)])),
                plan_new(1, text("Bytes", b'{"schemaVersion": 1, "organization": {"name": "A"}}')),
                engine_new(1, 0), engine_new(0, 1, text("Bytes", b'{"cube": {"dimensions": ["nope"]}}')),
                jsonl(0, text("Bytes", b'{"at":"2026-01-01","nps":9}\n{"nps":1e999}\n\xff\n[[[[[[\n')),
                json(0, text("Bytes", b'{"at":"2026-01-01","nps":9,"nps":1}')),
                csv(0, text("Bytes", b"a,b\n1,2\n"), text("Bytes", b'{"nps": "zz"}')),
                snapshot(0, 0), restore(0, 2, [(10, 0x39), (200, 0x7d)]),
                op("RestoreBytes", u8(3), text("Bytes", b'{"format":"cx-snapshot","version":1}')),
                query(0, text("Bytes", b'{"groupBy": ["team", "team"]}'), 1),
                report(0, 7, 1), report(0, 0, 1, text("Bytes", b'{"analysis": {"asOf": "x"}}'))],
}

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "seeds", "cabi")
os.makedirs(here, exist_ok=True)
for name, ops in SEEDS.items():
    with open(os.path.join(here, name + ".bin"), "wb") as f:
        f.write(b"".join(ops))
print("wrote", len(SEEDS), "seeds to", os.path.normpath(here))
