"""The demo world: organisations and users, citizens and cases, rates and a settlement. It lives
with the pages because it reaches every domain app (the layers, docs/dev/architecture.md)."""

from django.core.management.base import BaseCommand

from sundhedskoordinator.billing.demo import load_demo_rates, load_demo_settlement
from sundhedskoordinator.cases.demo import load_demo_cases
from sundhedskoordinator.organisations.demo import load_demo_organisations


class Command(BaseCommand):
    help = "Load the demo world (demo mode only). Running it again adds nothing."

    def handle(self, *args: object, **options: object) -> None:
        users = load_demo_organisations()
        citizens = load_demo_cases(users)
        load_demo_rates(users)
        load_demo_settlement(users)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo world ready: {len(users)} demo users, {citizens} new demo citizens."
            )
        )
