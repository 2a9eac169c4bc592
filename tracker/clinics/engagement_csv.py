"""The clinic dashboard as CSV rows: the same figures as the page, withheld ones left empty.

The rows go through tracker.core.spreadsheet.csv_text, which makes every cell formula-safe.
"""

from tracker.clinics.disclosure import EngagementReport
from tracker.models import RETENTION_WEEKS


def engagement_csv_rows(report: EngagementReport) -> list:
    """The same aggregates as the page; withheld and unavailable figures are empty."""
    period = report.period
    factor_headers = [f"{label} logged (% of check-ins)" for label, _ in report.summary_factor_rates]
    rows = [
        ["Clinic", report.clinic.name],
        ["First week (Monday)", period.first_week.isoformat()],
        ["Last week (Monday)", period.last_week.isoformat()],
        ["Figures from fewer than this many patients are left empty", str(report.min_cell)],
        [],
        [
            "Week (Monday)",
            "Enrolled patients",
            "Active patients",
            "Active (% of enrolled)",
            "Mean check-in days per active patient",
            "Median check-in days per active patient",
            *factor_headers,
        ],
    ]
    for row in report.rows:
        rows.append(
            [
                row.week_start.isoformat(),
                row.enrolled.csv,
                row.active.csv,
                row.active_share.csv,
                row.mean_days.csv,
                row.median_days.csv,
                *[cell.csv for _, cell in row.factor_rates],
            ]
        )
    summary = report.summary
    rows += [
        [],
        ["Period summary (weeks with every figure shown)", str(summary["weeks_published"])],
        ["Enrolled patients (last week)", summary["enrolled_now"].csv],
        ["Mean weekly active patients", summary["mean_active"].csv],
        ["Mean weekly active (% of enrolled)", summary["mean_active_share"].csv],
        ["Mean check-in days per active patient per week", summary["mean_days"].csv],
        ["Median check-in days per active patient per week", summary["median_days"].csv],
        *[[header, cell.csv] for header, (_, cell) in zip(factor_headers, report.summary_factor_rates, strict=True)],
        ["Weeks with notes opened shown", str(summary["notes_weeks_published"])],
        ["Educational notes opened (patient-note-days, weeks shown)", summary["notes_opened"].csv],
        ["Patients who opened a note, weekly mean (weeks shown)", summary["notes_patients"].csv],
        ["Weeks with reminders shown", str(summary["reminders_weeks_published"])],
        ["Enrolled patients with reminders on now", summary["reminders_on"].csv],
        ["Reminders sent, every cadence (weeks shown)", summary["reminders_sent"].csv],
        ["Patients sent a reminder, weekly mean (weeks shown)", summary["reminders_patients"].csv],
        [
            "Patients who checked in within 48 hours of a reminder (%, weeks shown)",
            summary["reminders_followed_share"].csv,
        ],
        [],
        [
            "Week (Monday)",
            "Educational notes opened (patient-note-days)",
            "Patients who opened a note",
            "Patients sent a reminder",
            "Reminders sent",
            "Patients who checked in within 48 hours of a reminder (%)",
        ],
        *[
            [
                row.week_start.isoformat(),
                row.notes_opened.csv,
                row.notes_patients.csv,
                row.reminders_sent.csv,
                row.reminders_count.csv,
                row.reminders_followed_share.csv,
            ]
            for row in report.activity_rows
        ],
        [],
        ["Enrolment month", "Joined", *[f"Active in week {n} (%)" for n in RETENTION_WEEKS]],
    ]
    for cohort in report.retention:
        rows.append([cohort.cohort_month.strftime("%Y-%m"), cohort.joined.csv, *[cell.csv for cell in cohort.cells]])
    return rows
