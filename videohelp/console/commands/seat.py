"""``videohelp seat add|revoke|list``: who may connect to the console's /seat endpoint.

``seat add NAME --role ROLE`` prints the new seat's token once (only its hash
is stored); ``seat revoke NAME`` invalidates it, and a running console drops
that seat within a second; ``seat list`` shows the seats and their state.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time

from videohelp.core.paths import data_paths
from videohelp.core.roles import ROLES


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        # --data-dir and --verbose go after the action (``seat add NAME --data-dir D``).
        "seat", help="add, revoke and list seats (desks, experts, automation)",
        description="Manage the seats that may connect to the console's /seat endpoint.")
    actions = parser.add_subparsers(dest="seat_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[common], help="add a seat and print its token")
    add.add_argument("name", help="the seat's name, e.g. 李警官 or stream-deck")
    add.add_argument("--role", required=True, choices=ROLES, help="what the seat may do")
    revoke = actions.add_parser("revoke", parents=[common], help="revoke a seat's token")
    revoke.add_argument("name")
    actions.add_parser("list", parents=[common], help="list the seats")
    audit = actions.add_parser("audit", parents=[common], help="print the newest audit log entries")
    audit.add_argument("--seat", help="only this seat's actions")
    audit.add_argument("--limit", type=int, default=50)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from videohelp.core import seats
    from videohelp.core.store import Store, StoreError

    paths = data_paths(args.data_dir)
    try:
        store = Store(paths.database)
    except StoreError as exc:
        print(f"videohelp: {exc}", file=sys.stderr)
        return 1
    actor = f"cli:{_user()}"
    try:
        if args.seat_command == "add":
            seat, token = seats.add_seat(store, args.name, args.role, created_by=actor)
            print(f"seat {seat.name} ({seat.role.value}) added. Its token, shown only now:",
                  file=sys.stderr)
            print(token)
        elif args.seat_command == "revoke":
            seat = seats.revoke_seat(store, args.name, revoked_by=actor)
            print(f"seat {seat.name} revoked; a running console drops it within a second")
        elif args.seat_command == "list":
            rows = seats.list_seats(store)
            if not rows:
                print("no seats; add one with: videohelp seat add NAME --role ROLE")
            for seat in rows:
                state = "active" if seat.active else f"revoked {_when(seat.revoked_ms)}"
                print(f"{seat.name}\t{seat.role.value}\t{state}\tadded {_when(seat.created_ms)}")
        else:
            for entry in seats.audit_entries(store, seat=args.seat, limit=args.limit):
                print(f"{_when(entry['at_ms'])}\t{entry['seat']}\t{entry['role']}\t{entry['action']}\t"
                      f"{entry['target'] or ''}\t{entry['outcome']}")
    except seats.SeatError as exc:
        print(f"videohelp: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0


def _when(ms: int | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime((ms or 0) / 1000))


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in a container: still record that the CLI did it
        return "unknown"
