"""The ESC/POS receipt printer emulator (training mode and tests): ``paper`` (what it prints),
``decoder`` (bytes to paper and status), ``server`` (TCP like a network printer), ``preview``
(the paper as an image) and ``emulator`` (``EscposEmulator``, the three together)."""
