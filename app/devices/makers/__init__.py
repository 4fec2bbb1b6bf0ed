"""Makers' cards through the 2012 common card interface (天然气销售系统 IC卡接口规范 V1.0).

``interface.h`` is the interface as GasDesk calls it; ``host`` the separate process that loads
a maker's library (32-bit stdcall DLLs on Windows) and ``client`` the counter's side of it;
``codes`` the interface's return codes; ``driver`` the card driver configured per maker; and,
for tests and training, ``double`` (a maker library in C over a card kept in a file) with
``meter`` (a meter that loads such a card). See docs/card-drivers.md.
"""
