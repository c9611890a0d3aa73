"""The local SQLite store: schema, migrations, ingest, queries. Imports core only."""
