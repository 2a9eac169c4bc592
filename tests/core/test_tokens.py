"""Links already sent keep working: every signing salt stays byte-identical across refactors.

The tokens below were made by the code as it stood before tracker/ was regrouped into packages,
with the secret key and time fixed here. If a salt (or the payload's shape) changes, unsubscribe,
verification and invitation links in patients' inboxes stop working, and these tests fail.
"""

import datetime as dt

import pytest
import time_machine

from tracker.clinics import invitations
from tracker.core import tokens

SECRET = "salt-regression-key"
MADE_AT = dt.datetime(2026, 11, 27, 15, 0, tzinfo=dt.UTC)
UNSUBSCRIBE_FOR_42 = "eyJ1Ijo0Mn0:iIQpACbQ8y-qNDx1Qshm0K9zxQyxlSnz3B_-jy4xs9U"
VERIFY_FOR_42 = "eyJ1Ijo0MiwiZSI6ImFsaWNlQGV4YW1wbGUuY29tIn0:1xWxQe:-SqH7jpkMFJjDtch4-bz_h5HZoUY9PhF5jjhg535z7w"
INVITE_7_3 = "eyJjIjo3LCJlIjoibmV3QGV4YW1wbGUuY29tIiwiaSI6M30:1xWxQe:mEoJnTzkzqCIwz9pMZCdsIDdrYaNC59Juf60nH-kb48"


@pytest.fixture
def old_key(settings):
    settings.SECRET_KEY = SECRET


def test_it_keeps_the_salts_byte_identical():
    assert tokens.UNSUBSCRIBE_SALT == "tracker.reminders.unsubscribe"
    assert tokens.EMAIL_VERIFICATION_SALT == "tracker.accounts.email-verification"
    assert invitations.SALT == "tracker.invitations.clinician"


def test_it_accepts_an_unsubscribe_link_made_before_the_move(old_key):
    assert tokens.unsubscribe_patient_id(UNSUBSCRIBE_FOR_42) == 42
    assert tokens.unsubscribe_token(patient_id=42) == UNSUBSCRIBE_FOR_42


def test_it_accepts_a_verification_link_made_before_the_move(old_key):
    with time_machine.travel(MADE_AT + dt.timedelta(days=1), tick=False):
        claims = tokens.email_verification_claims(VERIFY_FOR_42, max_age=dt.timedelta(days=7))
    assert claims == {"u": 42, "e": "alice@example.com"}


def test_it_reads_an_invitation_signature_made_before_the_move(old_key):
    with time_machine.travel(MADE_AT + dt.timedelta(days=1), tick=False):
        data = invitations._signer().unsign_object(INVITE_7_3, max_age=invitations.max_age())
    assert data == {"c": 7, "e": "new@example.com", "i": 3}


def test_it_refuses_a_link_signed_for_another_purpose(old_key):
    with pytest.raises(tokens.BadToken):
        tokens.unsubscribe_patient_id(VERIFY_FOR_42)


def test_it_retires_an_invitation_link_made_before_invitations_were_single_use(old_key, db):
    # INVITE_7_3 carries no invitation id, so nothing could stop it being reused: it gets a clear refusal.
    with (
        time_machine.travel(MADE_AT + dt.timedelta(days=1), tick=False),
        pytest.raises(invitations.InvitationInvalid) as refused,
    ):
        invitations.clinician_invite_read(token=INVITE_7_3)
    assert str(refused.value) == invitations.RETIRED_MESSAGE
