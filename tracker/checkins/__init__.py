"""Daily check-ins: saving them, the clinic rollup they feed, streaks, trends and the patient's charts."""
