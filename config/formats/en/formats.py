# English Canada (en-CA). Long dates "February 27, 2020"; short dates ISO, as Canada.ca does.
DATE_FORMAT = "F j, Y"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "F j, Y, g:i a"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
DATE_INPUT_FORMATS = ["%Y-%m-%d"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
