"""Generate an archive of cases to audit: one JSON case per line (``quyche audit``, docs/cases.en.md).

    python examples/make_archive.py                        # 1,000 cases on stdout
    python examples/make_archive.py -n 5000 -o archive.jsonl --seed 7
    quyche audit archive.jsonl --today 2024-12-31 -o statuses.jsonl

Each case is an event of the regulation — mostly petitions (complaints, denunciations, feedback,
recommendations) received by one of the four bodies, transferred petitions coming back resolved,
supervisions, draft consultations, voter contacts and requests for information — dated in 2022–2023,
with the later dates the case has reached (the day a forwarded petition reached the competent body,
the day it was accepted, the day the notice of the result came back, the first and last day of a
supervision) most of the time. Then, for each duty the regulation gives, the case records it done
on time (about 60 %), done late (about 20 %) or not done (the rest). The same seed gives the same
archive. The cases are valid for the bundled rules: the duties named in ``done`` are those of the
decision.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import quyche

PARTIES = ["doan_dbqh", "tt_hdnd", "ubnd", "btt_ubmttq"]
FIRST = date(2022, 1, 3)
SPAN = 700  # days: the events fall in 2022–2023


def _day(d: date) -> str:
    return d.isoformat()


def _event(rng: random.Random, i: int) -> dict[str, Any]:
    start = FIRST + timedelta(days=rng.randrange(SPAN))
    kind = rng.random()
    ev: dict[str, Any]
    if kind < 0.55:
        received = rng.choice(PARTIES)
        competent = rng.choice([*PARTIES, received, received, "central", "judicial", "other_local"])
        ev = {
            "type": "petition_received",
            "received_by": received,
            "kind": rng.choice(["complaint", "complaint", "denunciation", "feedback", "recommendation"]),
            "competent_body": competent,
            "date": _day(start),
        }
        if ev["kind"] == "complaint":
            ev["round"] = rng.choice([1, 1, 2])
        if rng.random() < 0.2:
            ev["complex"] = True
        if rng.random() < 0.1:
            ev["remote_area"] = True
        arrived = start
        if competent != received and rng.random() < 0.8:
            arrived = start + timedelta(days=rng.randint(1, 12))
            ev["transfer_receipt_date"] = _day(arrived)
        if ev["kind"] in ("complaint", "denunciation") and rng.random() < 0.75:
            ev["acceptance_date"] = _day(arrived + timedelta(days=rng.randint(0, 12)))
    elif kind < 0.65:
        ev = {
            "type": "petition_resolved",
            "resolved_by": rng.choice([*PARTIES, "other_local"]),
            "transferred_by": rng.choice(PARTIES),
            "date": _day(start),
        }
        if rng.random() < 0.8:
            ev["notice_date"] = _day(start + timedelta(days=rng.randint(0, 10)))
    elif kind < 0.8:
        by = rng.choice(PARTIES)
        ev = {
            "type": "supervision_planned",
            "activity": rng.choice(["supervision", "supervision", "social_criticism", "inspection", "examination"]),
            "by": by,
            "subject": rng.choice([p for p in PARTIES if p != by]),
            "date": _day(start),
        }
        if rng.random() < 0.85:
            first = start + timedelta(days=rng.randint(12, 45))
            ev["supervision_start"] = _day(first)
            if rng.random() < 0.8:
                ev["supervision_end"] = _day(first + timedelta(days=rng.randint(0, 20)))
    elif kind < 0.88:
        ev = {
            "type": "draft_consultation",
            "document": rng.choice(["national_law", "hdnd_resolution", "ubnd_decision"]),
            "drafted_by": rng.choice(PARTIES),
            "date": _day(start),
        }
        if rng.random() < 0.3:
            ev["social_criticism"] = True
        if rng.random() < 0.8:
            ev["submission_date"] = _day(start + timedelta(days=rng.randint(20, 60)))
    elif kind < 0.95:
        ev = {
            "type": "voter_contact",
            "level": rng.choice(["national_assembly", "people_council", "joint"]),
            "phase": rng.choice(["before_session", "after_session", "thematic"]),
            "date": _day(start),
        }
        if rng.random() < 0.8:
            ev["session_opening"] = _day(start + timedelta(days=rng.randint(-30, 30)))
    else:
        asker, asked = rng.sample(PARTIES, 2)
        ev = {
            "type": "information_request",
            "requested_by": asker,
            "requested_from": asked,
            "mode": rng.choice(["notify", "written_comment"]),
            "date": _day(start),
        }
    if rng.random() < 0.3:
        ev["id"] = f"EV-{i:07d}"
    return ev


def _done(rng: random.Random, reg: quyche.Regulation, ev: dict[str, Any]) -> list[dict[str, Any]]:
    start = date.fromisoformat(ev["date"])
    done: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for r in reg.evaluate(ev).responsibilities:
        key = (r.party, r.duty)
        if key in seen:
            continue
        seen.add(key)
        roll = rng.random()
        if roll >= 0.8:
            continue  # not done
        due = r.deadline.due if r.deadline else None
        if due is None:
            on = start + timedelta(days=rng.randint(0, 40))
        elif roll < 0.6:  # on time
            on = max(start, due - timedelta(days=rng.randint(0, 5)))
        else:  # late
            on = max(start, due + timedelta(days=rng.randint(1, 20)))
        done.append({"party": r.party, "duty": r.duty, "on": _day(on)})
    return done


def cases(n: int = 1000, seed: int = 20240304, regulation: quyche.Regulation | None = None) -> Iterator[dict[str, Any]]:
    """``n`` generated cases (docs/cases.en.md), the same for the same seed."""
    reg = regulation or quyche.load(engine="python")
    rng = random.Random(seed)
    for i in range(n):
        ev = _event(rng, i)
        yield {"case": f"HS-{ev['date'][:4]}-{i + 1:06d}", "event": ev, "done": _done(rng, reg, ev)}


def main(argv: list[str] | None = None) -> int:
    """Write the archive as JSON lines."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=1000, help="number of cases (default 1000)")
    parser.add_argument("--seed", type=int, default=20240304)
    parser.add_argument("-o", "--output", default="-", help="output file (default: stdout)")
    args = parser.parse_args(argv)
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")  # noqa: SIM115
    try:
        for case in cases(args.n, args.seed):
            out.write(json.dumps(case, ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
