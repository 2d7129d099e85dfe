# French Canada (fr-CA). Long dates "27 février 2020"; short dates ISO; "1 234,56 $".
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "j F Y, G \\h i"
TIME_FORMAT = "G \\h i"
SHORT_DATETIME_FORMAT = "Y-m-d H \\h i"
DATE_INPUT_FORMATS = ["%Y-%m-%d"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\u00a0"
NUMBER_GROUPING = 3
