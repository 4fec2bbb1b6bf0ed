"""Languages and fonts: the English translator and a CJK font for machines without one.

Simplified Chinese (zh_CN) is the source language of every ``self.tr()`` string, so it needs no
translation file. English comes from ``resources/translations/gasdesk_en.qm``, made from the
``.ts`` file by ``resources/translations/update.sh`` (pyside6-lupdate, then pyside6-lrelease).

The hall's vocabulary (``app.vocabulary``: payment methods, kinds, states, ID types…) carries its
own English label, so it needs no ``.ts`` entry: ``vocabulary_text(member)`` shows a member in the
interface's language, and the English translator also answers ``tr(member.label)`` in any
context with the member's English label (for screens that translate the Chinese label).

The font: ``apply_font_scale`` sets the application font's size from the workstation's
``font_scale`` setting (``LocalConfig.font_scale``; automatic from the screen when unset).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

from app import vocabulary

log = logging.getLogger(__name__)

TRANSLATIONS = Path(__file__).resolve().parents[1] / "resources" / "translations"
SOURCE_LANGUAGE = "zh_CN"


def translation_file(lang: str) -> Path:
    return TRANSLATIONS / f"gasdesk_{lang}.qm"


def vocabulary_labels(language: str) -> dict[str, str]:
    """Chinese label → its label in ``language``, for every member of the hall's vocabulary
    (and the drawer's denominations)."""
    from app.domain.cash import DENOMINATION_NAMES

    labels: dict[str, str] = {}
    for kind in vocabulary._Labelled.__subclasses__():
        for member in kind:
            labels.setdefault(member.label, member.text(language))
    for face, name in DENOMINATION_NAMES.items():
        labels.setdefault(name, denomination_text(face, language))
    return labels


def denomination_text(face_fen: int, language: str | None = None) -> str:
    """A note or coin (face value in fen) as the interface names it: 100元 / 100 yuan."""
    from app.domain.cash import DENOMINATION_NAMES, DENOMINATION_NAMES_EN

    language = ui_language() if language is None else language
    names = DENOMINATION_NAMES_EN if language.startswith("en") else DENOMINATION_NAMES
    return names[face_fen]


# asked of the installed translators to learn the interface's language (only ours answer it;
# not a ``tr()`` string, so it never reaches the .ts file)
LANGUAGE_PROBE = ("GasDesk", "@language")


class Translator(QTranslator):
    """The ``.qm`` file's translations, then the vocabulary's own labels for what it lacks."""

    def __init__(self, parent: QCoreApplication, lang: str):
        super().__init__(parent)
        self.lang = lang
        self.vocabulary = vocabulary_labels(lang)

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: ANN001 - Qt's
        if (context, source_text) == LANGUAGE_PROBE:
            return self.lang
        found = super().translate(context, source_text, disambiguation, n)
        # None (a null string): not translated here, so Qt asks on and falls back to the source
        return found or self.vocabulary.get(source_text)

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return False


def ui_language() -> str:
    """The language the interface speaks now: that of the translator ``install_translator``
    put in place (until it is removed), else Chinese."""
    answer = QCoreApplication.translate(*LANGUAGE_PROBE)
    return SOURCE_LANGUAGE if answer == LANGUAGE_PROBE[1] else answer


def vocabulary_text(member: vocabulary._Labelled | None, default: str = "") -> str:
    """A vocabulary member (a payment method, a kind, a state…) as the interface shows it."""
    if member is None:
        return default
    return member.text(ui_language())


def install_translator(app: QCoreApplication, lang: str) -> QTranslator | None:
    """Install the translator for ``lang`` on ``app``; None for the source language or when the
    file is missing (the interface then stays in Chinese, with a warning in the log)."""
    if lang == SOURCE_LANGUAGE:
        return None
    path = translation_file(lang)
    translator = Translator(app, lang)
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


# the 字号 menu's choices, per cent of BASE_POINT_SIZE
FONT_SCALES = (100, 125, 150)
BASE_POINT_SIZE = 10.0
LARGE_SCREEN_HEIGHT = 1000  # 1920×1080 and up: 125 % (12.5 pt) unless set otherwise


def auto_font_scale(screen_height: int | None = None) -> int:
    """The scale when the workstation sets none: larger type on a large screen."""
    if screen_height is None:
        screen = QGuiApplication.primaryScreen()
        screen_height = screen.geometry().height() if screen is not None else 768
    return 125 if screen_height >= LARGE_SCREEN_HEIGHT else 100


def apply_font_scale(app: QGuiApplication, scale: int | None) -> int:
    """Size the application font to ``scale`` per cent (None: ``auto_font_scale``); every
    widget without a font of its own follows. Returns the scale applied."""
    applied = scale or auto_font_scale()
    font = app.font()
    font.setPointSizeF(BASE_POINT_SIZE * applied / 100)
    app.setFont(font)
    log.info("font %.1f pt (%d %%%s)", font.pointSizeF(), applied, "" if scale else ", auto")
    return applied
