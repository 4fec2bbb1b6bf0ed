"""Customer search by any part of a name or address.

Chinese names are two or three characters, shorter than a trigram, so every character is
indexed as its own token (``search_text`` holds the characters separated by spaces) and a query
is a phrase of its characters: consecutive tokens, i.e. a substring. SQLite uses an FTS5 table
kept in step by triggers; PostgreSQL a GIN index on ``to_tsvector('simple', search_text)``.
"""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from db.models import Customer

# A token between name and address so a phrase cannot match across the two fields.
FIELD_BREAK = "qqfieldbreakqq"


def spaced(value: str) -> str:
    return " ".join(ch for ch in value if ch.isalnum()).lower()


def search_text_for(name: str, address: str) -> str:
    return f"{spaced(name)} {FIELD_BREAK} {spaced(address)}"


def matching_customer_ids(session: Session, query: str, limit: int) -> list[int]:
    """Ids of customers whose name or address contains ``query`` (newest first)."""
    phrase = spaced(query)
    if not phrase:
        return []
    if session.get_bind().dialect.name == "sqlite":
        rows = session.execute(
            text(
                "SELECT rowid FROM customer_search WHERE customer_search MATCH :q "
                "ORDER BY rowid DESC LIMIT :n"
            ),
            {"q": '"' + phrase.replace('"', "") + '"', "n": limit},
        )
        return [row[0] for row in rows]
    condition = func.to_tsvector("simple", Customer.search_text).op("@@")(
        func.phraseto_tsquery("simple", phrase)
    )
    return list(
        session.scalars(
            select(Customer.id).where(condition).order_by(Customer.id.desc()).limit(limit)
        )
    )
