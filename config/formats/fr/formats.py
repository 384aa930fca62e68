"""Harbor's French date formats: the day before the month, a 24-hour clock ("1 déc., 13:30").

Only what differs from Django's own French formats (django.conf.locale.fr), which give the rest.
"""

TIME_FORMAT = "H:i"
SHORT_DATETIME_FORMAT = "j N, H:i"
DATETIME_FORMAT = "j N Y, H:i:s"
MONTH_DAY_FORMAT = "j N"
SHORT_DATE_FORMAT = "j N Y"
