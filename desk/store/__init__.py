"""Storage: SQLAlchemy Core tables, engines, migrations, repositories and queue queries."""
