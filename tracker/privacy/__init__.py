"""Data rights: a patient's export of everything they entered, and account deletion."""
