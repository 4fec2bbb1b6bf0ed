"""Device adapters (card readers, later printers) and their emulators.

Emulators are product code: training mode (培训模式) uses them, and so do the tests. Nothing here
imports Qt; the UI re-emits device events as Qt signals.
"""
