"""Settings -> Account activity: what happened on the account, where it is signed in, and (for a
patient) when their clinics looked at figures that counted them."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from tracker.accounts.activity import account_activity_page
from tracker.accounts.signed_in import signed_in_sessions
from tracker.clinics.counted_views import patient_counted_views


@login_required
def account_activity(request):
    user = request.user
    page, items = account_activity_page(user=user, page_number=request.GET.get("page"))
    context = {
        "page": page,
        "items": items,
        "sessions": signed_in_sessions(user=user, current_key=request.session.session_key),
        "remember_days": settings.SESSION_REMEMBER_DAYS,
        "clinic_views": patient_counted_views(patient=user) if user.is_patient else None,
        "min_cell": settings.CLINIC_MIN_CELL_SIZE,
        "time_zone": user.time_zone.replace("_", " "),
    }
    return render(request, "tracker/account_activity.html", context)
