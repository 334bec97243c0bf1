from django.core.management.base import BaseCommand

from sundhedskoordinator.organisations.demo import load_demo_organisations


class Command(BaseCommand):
    help = "Load the demo world (demo mode only). Running it again changes nothing."

    def handle(self, *args: object, **options: object) -> None:
        users = load_demo_organisations()
        self.stdout.write(self.style.SUCCESS(f"Demo world ready: {len(users)} demo users."))
