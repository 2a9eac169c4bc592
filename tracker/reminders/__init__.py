"""Reminders: who is due, sending each one once, unsubscribing."""
