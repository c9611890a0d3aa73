"""Reading a message: the plain-text toggle, attachments opened and saved under safe names."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox

from tests.ui.hostile import ingest_raw
from unibox.core.attachments import AttachmentUnavailable, extract_attachment, inline_images
from unibox.ui.main_window import MainWindow
from unibox.ui.preferences import PLAIN_TEXT

PDF = b"%PDF-1.4\n% a tiny test document\n%%EOF\n"


def _open(qtbot: Any, window: MainWindow, subject: str) -> None:
    window.search.setText(f'subject:"{subject}"')
    qtbot.waitUntil(
        lambda: (
            window.message_view.content is not None
            and window.message_view.content.subject == subject
        ),
        timeout=15_000,
    )


def _mail_with_attachment(filename: str, data: bytes, ctype: str = "application/pdf") -> bytes:
    import base64

    encoded = base64.encodebytes(data).replace(b"\n", b"\r\n")
    return (
        b"From: Felix Brandt <felix@brightwave.example>\r\nTo: mira@castell-studio.example\r\n"
        b"Subject: The file you asked for\r\nMessage-ID: <file@brightwave.example>\r\n"
        b"Date: Fri, 14 Mar 2025 09:10:00 +0000\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHere it is.\r\n"
        b"--b1\r\nContent-Type: " + ctype.encode() + b"\r\n"
        b"Content-Transfer-Encoding: base64\r\n"
        b'Content-Disposition: attachment; filename="'
        + filename.encode()
        + b'"\r\n\r\n'
        + encoded
        + b"--b1--\r\n"
    )


def test_plain_text_toggle_is_remembered(qtbot: Any, window: MainWindow) -> None:
    _open(qtbot, window, "Pixel Weekly #114: Accessible PDFs from your design tool")
    view = window.message_view
    assert view.header.text_toggle.isVisible() and view.showing_html
    assert view.header.remote_notice.isVisible()
    qtbot.mouseClick(view.header.text_toggle, Qt.MouseButton.LeftButton)
    assert view.plain_text and not view.showing_html
    assert window.plain_text_action.isChecked()
    assert "https://pixelweekly.example/unsubscribe" in view.body.toPlainText()
    assert not view.header.remote_notice.isVisible()  # text has nothing remote
    assert window.prefs.get(PLAIN_TEXT) is True
    # The menu action turns it off again, for this and the next messages.
    window.plain_text_action.trigger()
    assert view.showing_html and not window.prefs.get(PLAIN_TEXT)


def test_save_and_open_an_attachment_under_its_safe_name(
    qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile_name = "../../.bashrc\u202egpj.pdf"
    changes = ingest_raw(window, _mail_with_attachment(hostile_name, PDF), uid=930)
    (mid,) = changes.messages_added
    _open(qtbot, window, "The file you asked for")
    view = window.message_view
    assert view.content is not None and view.content.id == mid
    (chip,) = view.header.attachments.chips
    assert chip.name == "bashrcgpj.pdf"  # no path, no hidden dot, no bidi override

    suggested: list[str] = []
    target = tmp_path / "saved.pdf"

    def save_dialog(_parent: Any, _title: str, where: str, *_a: Any) -> tuple[str, str]:
        suggested.append(where)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    chip.chosen.emit("save")
    qtbot.waitUntil(target.exists, timeout=15_000)
    assert target.read_bytes() == PDF
    assert Path(suggested[0]).name == "bashrcgpj.pdf"
    qtbot.waitUntil(lambda: "Saved “saved.pdf”" in window.statusBar().currentMessage())

    opened: list[Path] = []

    def open_url(url: QUrl) -> bool:
        opened.append(Path(url.toLocalFile()))
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    qtbot.mouseDClick(chip, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(opened), timeout=15_000)
    assert opened[0].name == "bashrcgpj.pdf"
    assert opened[0].read_bytes() == PDF
    assert stat.S_IMODE(opened[0].stat().st_mode) == 0o600
    window.reading.cleanup()
    assert not opened[0].exists()


def test_a_program_is_not_opened_without_asking(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_raw(window, _mail_with_attachment("invoice.pdf.exe", b"MZ\x90\x00"), uid=931)
    _open(qtbot, window, "The file you asked for")
    asked: list[str] = []
    opened: list[QUrl] = []

    def question(_parent: Any, _title: str, text: str, *_a: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    window.message_view.header.attachments.chips[0].chosen.emit("open")
    qtbot.wait(300)
    assert asked and "invoice.pdf.exe" in asked[0] and "program" in asked[0]
    assert opened == []


def test_attachment_bytes_come_back_from_the_raw_source() -> None:
    raw = _mail_with_attachment("report.pdf", PDF)
    found = extract_attachment(raw, 0, "report.pdf")
    assert (found.filename, found.content_type) == ("report.pdf", "application/pdf")
    assert found.data == PDF
    with pytest.raises(AttachmentUnavailable):
        extract_attachment(raw, 1)
    with pytest.raises(AttachmentUnavailable):
        extract_attachment(raw, 0, "another-name.pdf")
    related = (
        b"From: a@example.org\r\nSubject: inline\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/related; boundary="r"\r\n\r\n'
        b'--r\r\nContent-Type: text/html\r\n\r\n<img src="cid:logo@x">\r\n'
        b"--r\r\nContent-Type: image/png\r\nContent-ID: <logo@x>\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--r--\r\n"
    )
    assert inline_images(related) == {"logo@x": b"\x89PNG\r\n\x1a\n"}


def test_inline_images_of_the_message_are_shown(qtbot: Any, window: MainWindow) -> None:
    import base64

    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage

    image = QImage(40, 20, QImage.Format.Format_RGB32)
    image.fill(QColor("#2f6fe4"))
    png = QByteArray()
    buffer = QBuffer(png)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    raw = (
        b"From: Zoe <zoe.mueller@brightwave.example>\r\nTo: mira@castell-studio.example\r\n"
        b"Subject: Our logo inline\r\nMessage-ID: <inline@brightwave.example>\r\n"
        b"Date: Fri, 14 Mar 2025 09:12:00 +0000\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/related; boundary="r"\r\n\r\n'
        b"--r\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        b'<p>See:</p><img src="cid:logo@brightwave" width="40" height="20">\r\n'
        b"--r\r\nContent-Type: image/png\r\nContent-ID: <logo@brightwave>\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(bytes(png.data())).replace(b"\n", b"\r\n")
        + b"--r--\r\n"
    )
    ingest_raw(window, raw, uid=932)
    _open(qtbot, window, "Our logo inline")
    body = window.message_view.body
    qtbot.waitUntil(lambda: "cid:logo@brightwave" in body._images, timeout=15_000)
    assert body._images["cid:logo@brightwave"].size().width() == 40
    assert (
        not window.message_view.header.remote_notice.isVisible()
    )  # a part of the message is not remote
