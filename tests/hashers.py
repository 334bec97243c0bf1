"""Argon2 with the cheapest parameters, so the test suite hashes the demo passwords quickly. The
hashes are real Argon2 ("argon2$..."); production keeps Django's default cost."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 8
    parallelism = 1
