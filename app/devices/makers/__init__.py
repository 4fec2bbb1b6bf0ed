"""Makers' cards through the 2012 common card interface (``interface.h``).

``host`` runs a maker's library in a separate process, ``client`` (``MakerHost``) drives it from
the counter, ``codes`` turns the interface's return codes into clerk messages and typed errors.
"""
