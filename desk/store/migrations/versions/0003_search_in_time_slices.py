"""PostgreSQL: search the newest rows first, through time slices in the search index;
a vocabulary of indexed words for prefixes.

Each search document also carries the time slice of its row (the id in slices of
32,768 rows, and groups of 8 and 64 slices), so that one GIN index answers "these words
among the newest rows" at the cost of the matches found there (desk/store/text_search.py).
The vocabulary lets a prefix be spelled out as whole words, which GIN finds far faster
than it matches a prefix. SQLite's FTS5 tables need neither.

The expression below must stay the same as `text_search.search_document`, or searches
stop using the index (tests/integration/test_queues.py checks the plan).

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SLICES = (
    "array_to_tsvector(ARRAY['~c' || (id >> 21)::text,"
    " '~b' || (id >> 18)::text, '~a' || (id >> 15)::text])"
)
_TABLES = (("tickets", "subject_tsv", "subject"), ("thread_entries", "body_tsv", "body"))


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute('CREATE TABLE search_words (word text COLLATE "C" PRIMARY KEY)')
    for table, vector, column in _TABLES:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_{column}_tsv")
        op.execute(f"CREATE INDEX ix_{table}_search ON {table} USING gin (({vector} || {_SLICES}))")
        op.execute(
            f"INSERT INTO search_words (word) SELECT DISTINCT unnest(tsvector_to_array({vector}))"
            f" FROM {table} ON CONFLICT DO NOTHING"
        )
        # Words come in sorted (a tsvector keeps its lexemes in order), so two writers
        # adding the same new words wait for each other rather than deadlock.
        op.execute(
            f"CREATE FUNCTION desk_learn_{column}_words() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN INSERT INTO search_words (word) SELECT unnest(tsvector_to_array(NEW.{vector}))"
            " ON CONFLICT DO NOTHING; RETURN NULL; END $$"
        )
    op.execute(
        "CREATE TRIGGER tickets_learn_words AFTER INSERT OR UPDATE OF subject ON tickets"
        " FOR EACH ROW EXECUTE FUNCTION desk_learn_subject_words()"
    )
    op.execute(
        "CREATE TRIGGER thread_entries_learn_words AFTER INSERT ON thread_entries"
        " FOR EACH ROW WHEN (NEW.body <> '') EXECUTE FUNCTION desk_learn_body_words()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS tickets_learn_words ON tickets")
    op.execute("DROP TRIGGER IF EXISTS thread_entries_learn_words ON thread_entries")
    for table, vector, column in _TABLES:
        op.execute(f"DROP FUNCTION IF EXISTS desk_learn_{column}_words()")
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_search")
        op.execute(f"CREATE INDEX ix_{table}_{column}_tsv ON {table} USING gin ({vector})")
    op.execute("DROP TABLE IF EXISTS search_words")
