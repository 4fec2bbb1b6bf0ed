"""Printed and PDF documents: receipt layouts, PDFs with an embedded CJK font."""
