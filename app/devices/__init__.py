"""Device adapters behind two ports (``app.devices.ports``): card readers (one driver per card
family, ``cardreader.CARD_DRIVERS``) and receipt printers, with their emulators.

Emulators are product code: training mode (培训模式) uses them, and so do the tests. Only
``app.counter`` imports this package (an import-linter contract); nothing here imports Qt, and
the UI re-emits device events as Qt signals.
"""
