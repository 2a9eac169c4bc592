"""History: cards with Edit first on a phone, the table with Edit in its first column on wider
screens (both in the page; CSS shows one), and pauses among the check-ins."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from tests.factories import CheckInFactory
from tracker.models import Pause

TODAY = dt.date(2026, 11, 27)
URL = reverse("history")


@pytest.fixture(autouse=True)
def _frozen(frozen_now):
    return frozen_now


def cards(html):
    return html.split('<ol class="list-unstyled history-cards', 1)[1].split(">", 1)[1].split("</ol>", 1)[0]


def table(html):
    return html.split('<table class="table table-sm align-middle history-table">', 1)[1].split("</table>", 1)[0]


def test_a_card_puts_edit_first_then_the_date_and_only_the_factors_logged(alice_client, alice):
    CheckInFactory(patient=alice, day=TODAY, sleep_hours=7.5, sleep_quality=None, stress=None, omega3_servings=None,
                   omega3_supplement=True, fruit_veg_servings=1, note="Long walk")  # fmt: skip
    card = cards(alice_client.get(URL).content.decode())
    edit = card.index(f'href="{reverse("today")}">Edit')
    assert edit < card.index("Fri 27 Nov 2026")
    assert " ".join(re.sub(r"<[^>]+>", " ", card).split()) == (
        "Edit 27 Nov Fri 27 Nov 2026 Sleep Hours 7.5 Omega-3 Supplement Yes "
        "Fruit &amp; vegetables 1 serving Note Long walk"
    )


def test_the_table_has_edit_in_its_first_column(alice_client, alice):
    CheckInFactory(patient=alice, day=TODAY - dt.timedelta(days=1))
    rows = table(alice_client.get(URL).content.decode())
    body = rows.split("<tbody>", 1)[1]
    first_cell = re.search(r"<tr>\s*<td>(.*?)</td>", body, re.S)[1]
    assert first_cell.startswith(f'<a href="{reverse("checkin_day", args=[TODAY - dt.timedelta(days=1)])}">Edit')


def test_cards_and_table_are_shown_by_screen_width_without_javascript(alice_client, alice):
    CheckInFactory(patient=alice, day=TODAY)
    html = alice_client.get(URL).content.decode()
    assert 'class="list-unstyled history-cards d-md-none"' in html
    assert 'class="table-responsive d-none d-md-block"' in html
    assert "<script>" not in html


def test_a_pause_shows_among_the_check_ins_where_it_ended(alice_client, alice):
    for offset in (0, 4):
        CheckInFactory(patient=alice, day=TODAY - dt.timedelta(days=offset))
    Pause.objects.create(patient=alice, first_day=TODAY - dt.timedelta(days=3), last_day=TODAY - dt.timedelta(days=1))
    html = alice_client.get(URL).content.decode()
    for part in (cards(html), table(html)):
        text = " ".join(re.sub(r"<[^>]+>", " ", part).split())
        assert text.index("Fri 27 Nov") < text.index("Paused") < text.index("Mon 23 Nov")
    assert "Paused Tue 24 Nov 2026 to Thu 26 Nov 2026 (3 days)." in " ".join(
        re.sub(r"<[^>]+>", " ", cards(html)).split()
    )


def test_each_pause_shows_on_exactly_one_page(alice_client, alice):
    for offset in range(0, 60, 2):  # 30 check-ins, every other day: pages of 20
        CheckInFactory(patient=alice, day=TODAY - dt.timedelta(days=offset))
    for offset in range(1, 60, 4):  # a one-day pause in some of the gaps
        Pause.objects.create(
            patient=alice, first_day=TODAY - dt.timedelta(days=offset), last_day=TODAY - dt.timedelta(days=offset)
        )
    shown = []
    for page in (1, 2):
        html = alice_client.get(f"{URL}?page={page}").content.decode()
        shown += re.findall(r"<strong>Paused</strong> (\w+ \d+ \w+ \d+)", cards(html))
    assert len(shown) == len(set(shown)) == 15


def test_pauses_show_without_any_check_in(alice_client, alice):
    Pause.objects.create(patient=alice, first_day=TODAY, last_day=TODAY + dt.timedelta(days=3))
    assert "Paused" in alice_client.get(URL).content.decode()


@pytest.mark.parametrize("page", [1, 2])
def test_it_takes_a_fixed_number_of_queries(alice_client, alice, page, django_assert_max_num_queries):
    for offset in range(60):
        CheckInFactory(patient=alice, day=TODAY - dt.timedelta(days=offset))
        if offset % 7 == 0:
            Pause.objects.create(
                patient=alice,
                first_day=TODAY + dt.timedelta(days=offset + 1),
                last_day=TODAY + dt.timedelta(days=offset + 1),
            )
    # session, user, count, the page's check-ins, its pauses, and past page 1 the previous page's last day
    with django_assert_max_num_queries(6):
        assert alice_client.get(f"{URL}?page={page}").status_code == 200
