"""The keys some makers' cards return after every write (a new key seed for the next write).

Kept per card, append-only (``card_keys``; the newest row is the card's key), outside the audit
chain and never written to a log: a driver presents it at the card's next write.
"""

from __future__ import annotations

from typing import Annotated

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from app.context import Context
from app.services.boundary import CardSerial, MakerCode, Secret, service
from db.engine import connection_of
from db.tables import cards, maker_card_keys

CardSecret = Annotated[str, Secret("卡片密钥", 200)]  # taken exactly as the card gave it

_LATEST = (
    select(maker_card_keys.c.secret)
    .join(cards, cards.c.id == maker_card_keys.c.card_id)
    .where(cards.c.serial == bindparam("serial"), cards.c.maker == bindparam("maker"))
    .order_by(maker_card_keys.c.id.desc())
    .limit(1)
)
_CARD = select(cards.c.id).where(
    cards.c.serial == bindparam("serial"), cards.c.maker == bindparam("maker")
)


@service
def card_key(ctx: Context, maker: MakerCode, serial: CardSerial) -> str | None:
    """The key the card of ``maker`` numbered ``serial`` returned last (None: never one)."""
    with ctx.reading() as session:
        return connection_of(session).execute(_LATEST, {"serial": serial, "maker": maker}).scalar()


@service
def remember_card_key(
    ctx: Context, maker: MakerCode, serial: CardSerial, secret: CardSecret
) -> bool:
    """Keep the key a write returned; False when no such card is registered (a card being
    issued is registered before it is written, so that only happens to a foreign card)."""

    def work(session: Session) -> bool:
        conn = connection_of(session)
        card_id = conn.execute(_CARD, {"serial": serial, "maker": maker}).scalar()
        if card_id is None:
            return False
        conn.execute(
            insert(maker_card_keys),
            {"card_id": card_id, "secret": secret, "recorded_at": ctx.now()},
        )
        return True

    return ctx.transaction(work)
