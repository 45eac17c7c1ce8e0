"""Django's PostgreSQL backend with a health check of a reused connection that costs no round
trip while the connection was checked recently (see ``base.DatabaseWrapper``)."""
