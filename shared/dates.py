"""Calendar helpers several teams use."""

from datetime import date

from dateutil.relativedelta import relativedelta


def months_between(first: date, last: date) -> list[date]:
    """The first day of every month from first's month to last's month."""
    month, months = first.replace(day=1), []
    while month <= last:
        months.append(month)
        month += relativedelta(months=1)
    return months
