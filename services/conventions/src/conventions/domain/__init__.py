"""Pure domain of conventions: no database, web or messaging imports here."""
