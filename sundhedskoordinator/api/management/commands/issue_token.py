from django.core.management.base import BaseCommand, CommandError, CommandParser

from sundhedskoordinator.api.tokens import issue_token
from sundhedskoordinator.organisations.models import User


class Command(BaseCommand):
    help = "Issue an API bearer token for USER and print it (it is shown only this once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for.")

    def handle(self, *args: object, **options: str) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError("No active user with that username.")
        self.stdout.write(issue_token(user=user, name=options["name"]))
