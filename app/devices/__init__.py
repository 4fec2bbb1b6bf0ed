"""Device adapters behind two ports (``app.devices.ports``): card readers (one driver per card
family, ``cardreader.CARD_DRIVERS``) and receipt printers, with their emulators.

Emulators are product code: training mode (培训模式) uses them, and so do the tests. The
services and the UI never import this package (import-linter contracts): ``app.counter`` composes
it. Nothing here imports Qt; the UI re-emits device events as Qt signals.
"""
