"""Clinics: patients joining and leaving, clinician invitations, and the aggregate engagement
clinicians see, with small cells withheld."""
