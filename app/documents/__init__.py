"""Printed and PDF documents, from plain data the services fill (``data``).

``receipts``: receipt layouts for the ESC/POS printer (pure). ``layout``: the PDF layout engine
(pages, tables, forms in the embedded CJK font); ``tables``: the reports' tables as typed cells;
one module per PDF: ``opening_form`` (开户申请表), ``zreport`` (交班报表), ``hall_reports``
(营业厅日报, 营业厅月报); ``export``: the hall reports as CSV/XLSX. The font: ``app.fonts``.
"""
