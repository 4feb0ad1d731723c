#!/usr/bin/env python3
"""What the heap holds at its peak, summed by the allocating functions of this project.

    heaptrack_print HEAPTRACK.zst --flamegraph-cost-type peak -F /tmp/peak.folded
    scripts/heap-peak.py /tmp/peak.folded [N]

Each collapsed stack's peak cost goes to its three innermost frames that belong to yunfu-report
(or to the array growth and sorting of the standard library called from them); prints the total
and the N largest (25 by default), in MiB. Not part of `make test`.
"""
import collections
import re
import sys


def main() -> None:
    path = sys.argv[1]
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    interesting = ("Yunfu", "Xlsx", "consumeAndCreate", "stableSort", "JSONParser")
    totals: collections.Counter[str] = collections.Counter()
    with open(path, encoding="utf-8", errors="replace") as folded:
        for line in folded:
            stack, _, cost = line.rstrip().rpartition(" ")
            frames = [re.sub(r"\(.*", "", frame) for frame in stack.split(";")]
            ours = [frame for frame in frames if any(word in frame for word in interesting)]
            key = " <- ".join(frame[:70] for frame in reversed(ours[-3:])) or "(outside the project)"
            totals[key] += int(cost)
    print(f"total {sum(totals.values()) / 2**20:.2f} MiB")
    for key, cost in totals.most_common(limit):
        print(f"{cost / 2**20:7.2f} {key}")


if __name__ == "__main__":
    main()
