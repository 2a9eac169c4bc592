"""Accounts: sign-up, log-in, sessions, two-factor, profile and email verification."""
