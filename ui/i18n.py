"""Languages and fonts: the English translator and a CJK font for machines without one.

Simplified Chinese (zh_CN) is the source language of every ``self.tr()`` string, so it needs no
translation file. English comes from ``resources/translations/gasdesk_en.qm``, made from the
``.ts`` file by ``resources/translations/update.sh`` (pyside6-lupdate, then pyside6-lrelease).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase

log = logging.getLogger(__name__)

TRANSLATIONS = Path(__file__).resolve().parents[1] / "resources" / "translations"
SOURCE_LANGUAGE = "zh_CN"


def translation_file(lang: str) -> Path:
    return TRANSLATIONS / f"gasdesk_{lang}.qm"


def install_translator(app: QCoreApplication, lang: str) -> QTranslator | None:
    """Install the translator for ``lang`` on ``app``; None for the source language or when the
    file is missing (the interface then stays in Chinese, with a warning in the log)."""
    if lang == SOURCE_LANGUAGE:
        return None
    path = translation_file(lang)
    translator = QTranslator(app)
    if not translator.load(str(path)):
        log.warning("no translation for %s (%s): the interface stays in Chinese", lang, path)
        return None
    app.installTranslator(translator)
    return translator


def install_qt_translator(app: QCoreApplication, lang: str) -> QTranslator | None:
    """Qt's own words (the file dialog's columns and menus, standard buttons) in ``lang``:
    Qt ships Chinese as ``qtbase_zh_CN``; its source language is English, which needs none."""
    if lang == "en":
        return None
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(QLocale(lang), "qtbase", "_", folder):
        log.info("no Qt translation for %s in %s", lang, folder)
        return None
    app.installTranslator(translator)
    return translator


def has_cjk_font() -> bool:
    families = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    return bool(families)


def ensure_cjk_font(app: QCoreApplication) -> str | None:
    """When Qt knows no font with Chinese glyphs (a bare Linux box), load the system CJK font
    (Debian ``fonts-wqy-zenhei``) and make it the application font. Returns the family set."""
    if has_cjk_font():
        return None
    from app.fonts import MissingFont, find_cjk_font

    try:
        path = find_cjk_font()
    except MissingFont as error:
        log.warning("no CJK font: Chinese text may not show (%s)", error)
        return None
    font_id = QFontDatabase.addApplicationFont(str(path))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        log.warning("could not load the CJK font %s", path)
        return None
    font = QFont(families[0])
    app.setFont(font)  # type: ignore[attr-defined]
    log.info("CJK font loaded: %s (%s)", families[0], path)
    return families[0]
