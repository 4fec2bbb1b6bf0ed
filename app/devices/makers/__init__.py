"""Makers' cards through the 2012 common card interface (``interface.h``): the maker double
(``double``: a C library over a card kept in a file) and a meter that loads such cards
(``meter``)."""
