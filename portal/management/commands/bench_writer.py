"""`manage.py bench_writer --seconds N`: the benchmark's writer, one change a second while
readers are under load (issue 17, "under writes"). Each change saves a record of a different
domain in turn (an action item, an objective, a funding request, a plan item), through the
ORM as a service would, so the data version of its domain moves (core.cache) and the history
row is written: what a secretariat working in the portal does to the readers' caches."""

import itertools
import sys
import time

from django.core.management.base import BaseCommand

from councils.models import ActionItem
from funding.models import FundingRequest
from strategy.models import PlanItem
from workinggroups.models import Objective

MODELS = (ActionItem, Objective, FundingRequest, PlanItem)


class Command(BaseCommand):
    help = "Change one record a second, each of another domain, for --seconds (benchmark)."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, required=True)
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args, seconds, interval, **options):
        # The records changed: the latest of each kind, read once.
        records = [m.objects.order_by("-pk").first() for m in MODELS]
        records = [r for r in records if r is not None]
        print("ready", flush=True)  # the benchmark starts its readers now
        deadline = time.monotonic() + seconds
        changes = 0
        for record in itertools.cycle(records):
            started = time.monotonic()
            if started >= deadline:
                break
            record.save()
            changes += 1
            time.sleep(max(0.0, interval - (time.monotonic() - started)))
        sys.stdout.write(f"{changes} changes\n")
