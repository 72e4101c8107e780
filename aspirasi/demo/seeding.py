"""Fill an empty database with one official per position, an admin and sample cases on every
path at different steps, made by the engine itself (so their trails are real)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from aspirasi.cases.engine import ActionInput, perform
from aspirasi.cases.intake import AspirationInput, submit_aspiration
from aspirasi.cases.models import Category
from aspirasi.cases.walking import holder_of, walk_case, with_verdict
from aspirasi.officials.models import Acting, Holding
from aspirasi.sop.registry import current_sop

DATA = Path(__file__).with_name("data") / "aspirations.jsonl"
DEMO_PASSWORD = "aspirasi-demo"
WD_CODES = {"WD I": "wd1", "WD II": "wd2", "WD III": "wd3"}


@dataclass(frozen=True)
class DemoOfficial:
    username: str
    name: str
    position: str | None


DEMO_OFFICIALS = [
    DemoOfficial("kasubbag", "Rina Kartika, S.E.", "kasubbag"),
    DemoOfficial("kabag", "Drs. Hendra Wijaya", "kabag_tu"),
    DemoOfficial("wd1", "Dr. Ir. Agus Salim, M.T.", "wd1"),
    DemoOfficial("wd2", "Dr. Maya Lestari, S.T., M.Eng.", "wd2"),
    DemoOfficial("wd3", "Dr. Yusuf Hamdani, S.T., M.T.", "wd3"),
    DemoOfficial("dekan", "Prof. Dr. Ir. Budi Santoso, M.T.", "dekan"),
    DemoOfficial("admin", "Admin Fakultas", None),
    DemoOfficial("mutu", "Dr. Eng. Ratna Dewi, S.T., M.T.", "penjaminan_mutu"),
    DemoOfficial("plh", "Ir. Siti Aminah, M.T.", None),
]
# The demo's acting official: Plh Dekan for the week the demo is made (decision 8).
ACTING = ("plh", "dekan")


def load_rows() -> list[dict]:
    with DATA.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


# (path, how many actions along it to perform; None: to its end): every path, at different
# steps, and closed on each.
SCENARIOS = [
    ("A", 0), ("A", 1), ("A", None), ("A", None),
    ("B", 2), ("B", 5), ("B", 6), ("B", 8), ("B", 9), ("B", 10), ("B", 10), ("B", None),
    ("C", 10), ("C", 11), ("C", 12), ("C", 14), ("C", None),
]  # fmt: skip


def create_officials() -> dict[str, object]:
    User = get_user_model()
    users = {}
    for official in DEMO_OFFICIALS:
        user = User.objects.create_user(
            official.username,
            password=DEMO_PASSWORD,
            first_name=official.name,
            is_staff=official.username == "admin",
            is_superuser=official.username == "admin",
        )
        if official.position:
            Holding.objects.create(
                user=user,
                position=official.position,
                title=official.name,
                starts_on=dt.date(2024, 1, 1),
            )
        users[official.username] = user
    today = timezone.localdate()
    Acting.objects.create(
        user=users[ACTING[0]],
        position=ACTING[1],
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=6),
        note="Dekan sedang dinas luar (demo)",
    )
    return users


def input_of(row: dict, categories: dict, moment: dt.datetime) -> AspirationInput:
    """One aspiration of the data set as the web form would send it (paper and the other
    channels are the clerk's, with their own rules)."""
    return AspirationInput(
        channel="website" if row["channel"] == "website" else "email",
        category=categories[row["category"]],
        subject=row["subject"],
        body=row["body"],
        privacy=row["privacy"],
        customer_name=row["name"] or "",
        customer_type=row["customer_type"] or "",
        customer_number=row["nim"] or "",
        customer_email=row["email"] or "",
        customer_phone=row["phone"] or "",
        desired_outcome=row["hoped_outcome"] or "",
        arrived_at=moment,
    )


@transaction.atomic
def seed(now: dt.datetime | None = None) -> int:
    """Create the demo; returns the number of cases made."""
    now = now or timezone.now()
    users = create_officials()
    rows = load_rows()
    by_path = {p: [r for r in rows if r["expected_path"] == p] for p in "ABC"}
    categories = {c.code: c for c in Category.objects.all()}
    start = now - dt.timedelta(days=6)
    made = 0
    for index, (path, count) in enumerate(SCENARIOS):
        row = by_path[path][index]
        moment = start + dt.timedelta(hours=5 * index)
        case = submit_aspiration(input_of(row, categories, moment), now=moment).aspiration
        walk_case(
            case,
            path=path,
            limit=count,
            start=moment,
            gap=dt.timedelta(minutes=25),
            vice_dean=WD_CODES.get(row["expected_wd"] or "", ""),
            texts={
                "response": row["response"],
                "supporting_info": f"Data terkait: {row['subject']}",
            },
        )
        made += 1
    made += _seed_side_roads(users, rows[-10:], categories, start)
    return made


def _seed_side_roads(users, rows, categories, start) -> int:
    """A validation that failed once (back at step 4) and a duplicate closed outside the flow."""
    cases = []
    for offset, row in enumerate(rows[:2]):
        moment = start + dt.timedelta(days=1, hours=offset)
        cases.append(
            submit_aspiration(
                AspirationInput(
                    channel="website",
                    category=categories[row["category"]],
                    subject=row["subject"],
                    body=row["body"],
                    customer_name=row["name"] or "Pelanggan",
                    customer_type=row["customer_type"] or "",
                    customer_email=row["email"] or "",
                ),
                now=moment,
            ).aspiration
        )
    rework, duplicate = cases
    walk_case(
        rework,
        via=[with_verdict("invalid")],
        start=start + dt.timedelta(days=1, hours=3),
        gap=dt.timedelta(minutes=30),
        texts={"supporting_info": "Catatan singkat.", "reason": "Lampirkan data pendukung resmi."},
    )
    rework.refresh_from_db()
    # Closed outside the flow as repeating the first (the closure that needs the original).
    closure = next(c for c in current_sop().closures.values() if "duplicate_of" in c.requires)
    moment = start + dt.timedelta(days=1, hours=6)
    perform(
        duplicate,
        holder_of(duplicate, moment.date()),
        closure.name,
        ActionInput(reason="Isi sama dengan kasus sebelumnya.", duplicate_of=rework.tracking_code),
        now=moment,
    )
    return 2
