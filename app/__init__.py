"""GasDesk application core: domain rules and services. Never imports Qt."""

__version__ = "0.1.0"
