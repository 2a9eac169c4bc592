"""The append-only audit log and the signals that feed it."""
