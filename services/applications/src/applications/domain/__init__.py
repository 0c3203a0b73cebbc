"""Pure domain of applications: no database, web or messaging imports here."""
