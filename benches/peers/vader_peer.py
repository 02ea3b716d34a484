#!/usr/bin/env python3
"""Peer of benches/sentiment.rs (issue #20): vaderSentiment 3.3.2's
polarity_scores over the same texts, one core, best of several runs.

    pip install vaderSentiment==3.3.2
    python3 benches/peers/vader_peer.py [--runs 5]

Prints, for the reference set (all of cx-core/tests/data/vader/texts.jsonl)
and for the comments under 1,000 bytes, the best time of a pass, texts/s
and MB/s (UTF-8 bytes), as `cargo bench --bench sentiment` prints them.
"""

import argparse
import json
import pathlib
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
TEXTS = ROOT / "cx-core" / "tests" / "data" / "vader" / "texts.jsonl"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="passes per set (best is kept)")
    args = ap.parse_args()
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    import importlib.metadata

    analyzer = SentimentIntensityAnalyzer()
    texts = [json.loads(l)["text"] for l in TEXTS.read_text(encoding="utf-8").split("\n") if l]
    sets = [("reference-set", texts),
            ("comments", [t for t in texts if len(t.encode("utf-8")) < 1000])]
    print(f"vaderSentiment {importlib.metadata.version('vaderSentiment')}")
    for name, ts in sets:
        nbytes = sum(len(t.encode("utf-8")) for t in ts)
        best = float("inf")
        for _ in range(args.runs):
            t0 = time.perf_counter()
            for t in ts:
                analyzer.polarity_scores(t)
            best = min(best, time.perf_counter() - t0)
        print(f"sentiment/{name}: {len(ts)} texts, {nbytes} bytes, best {best * 1e3:.3f} ms: "
              f"{len(ts) / best:.0f} texts/s, {nbytes / best / 1e6:.2f} MB/s")


if __name__ == "__main__":
    main()
