from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Each app that has demo data provides `<app>/demo.py` with `load(ctx)`; lower apps first.
DEMO_APPS = ["councils", "workinggroups", "people", "funding", "strategy", "notifications"]


class Command(BaseCommand):
    help = (
        "Load the demo world of the joint councils' meeting of 27 February 2020. Idempotent: "
        "running it again changes nothing. Demo accounts get a published password, so this "
        "refuses to run with DEBUG off unless --no-passwords is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-passwords",
            action="store_true",
            help="Create the demo people with unusable passwords (allowed with DEBUG off).",
        )

    @transaction.atomic
    def handle(self, *args, no_passwords=False, **options):
        if not settings.DEBUG and not no_passwords:
            raise CommandError(
                "Refusing to create demo accounts with known passwords while DEBUG is off. "
                "Use --no-passwords to load the demo data without them."
            )
        ctx = {}
        from councils import demo as councils_demo

        councils_demo.load(ctx, passwords=not no_passwords)
        for label in DEMO_APPS[1:]:
            if not apps.is_installed(label):
                continue
            try:
                module = import_module(f"{label}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{label}.demo":
                    raise
                continue
            module.load(ctx)
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
