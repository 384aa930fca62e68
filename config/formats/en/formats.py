"""Harbor's English date formats (templates name them: `date:"SHORT_DATETIME_FORMAT"`).

Only what differs from Django's own English formats: a 24-hour clock, as on the wards, and
day and month without the year where the year is plain (lists of open cases). Anything not
set here comes from django.conf.locale.en.
"""

TIME_FORMAT = "H:i"
SHORT_DATETIME_FORMAT = "M j, H:i"
DATETIME_FORMAT = "M j, Y, H:i:s"
MONTH_DAY_FORMAT = "M j"
SHORT_DATE_FORMAT = "M j, Y"
