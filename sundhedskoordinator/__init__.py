"""Sundhedskoordinator: the citizen's right to a health coordinator (LAB § 113, stk. 3)."""
