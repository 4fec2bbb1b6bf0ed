"""Taking over an imported card at its first visit (接管): the card as read against the figures
the old system's import recorded for it. Pure: the service decides on these figures, the
counter and its dialog show them."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.money import VOLUME_SCALE
from app.errors import RuleViolation


def _m3(units: int) -> str:
    """A volume with both decimals, as the old system's records show it (0.00)."""
    whole, part = divmod(units, VOLUME_SCALE)
    return f"{whole}.{part:02d}"


@dataclass(frozen=True)
class TakeoverFigures:
    """The card's count and gas as read beside the imported ones. ``by_account``: the card's
    number is not on record and it was matched by its account number instead (its number is
    corrected at the takeover: ``recorded_serial`` → ``serial``)."""

    account_no: str
    serial: str  # as the card carries it
    maker: str
    read_count: int
    read_gas: int  # 0.01 m³ on the card, not yet in the meter
    imported_count: int
    imported_gas: int
    recorded_serial: str  # the number the import recorded
    by_account: bool = False

    @property
    def figures_match(self) -> bool:
        return (self.read_count, self.read_gas) == (self.imported_count, self.imported_gas)

    @property
    def needs_approval(self) -> bool:
        """A takeover a team leader must approve: figures that differ, or a card found by its
        account number (its number on record is wrong)."""
        return self.by_account or not self.figures_match

    def comparison(self) -> str:
        """Both figures, as the clerk and the team leader read them."""
        return (
            f"卡内购气次数{self.read_count}、卡内气量{_m3(self.read_gas)}立方米；"
            f"导入记录为{self.imported_count}次、{_m3(self.imported_gas)}立方米"
        )

    def refusal(self) -> str:
        """Why the takeover waits for a team leader (Chinese)."""
        if self.by_account:
            return (
                f"卡号{self.serial}与导入记录的卡号{self.recorded_serial}不符（按户号"
                f"{self.account_no}匹配）；{self.comparison()}：须班长核准"
            )
        return f"{self.comparison()}：须班长核准"


class TakeoverNeeded(RuleViolation):
    """An imported card whose takeover waits for a team leader's approval and reason."""

    code = "takeover_needed"

    def __init__(self, figures: TakeoverFigures):
        super().__init__(
            figures.refusal(),
            f"card {figures.serial} ({figures.maker}) of {figures.account_no}: read "
            f"{figures.read_count}/{figures.read_gas}, imported "
            f"{figures.imported_count}/{figures.imported_gas}, by account {figures.by_account}",
        )
        self.figures = figures


TAKEOVER_PENDING = "此卡为旧系统卡，请先接管"
