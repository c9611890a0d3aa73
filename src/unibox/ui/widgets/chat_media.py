"""A chat line's files and images inside its bubble: a picture once loaded, a chip for each.

Knows nothing of the store or the network: the chat pane hands it images,
and an open or save goes out as a signal, exactly as the mail reading pane's
attachment chips do.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QMouseEvent, QPixmap
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from unibox.store.chat_media import AttachmentRow
from unibox.ui.widgets.attachment_strip import AttachmentChip

PICTURE = 280  # the longest side of a picture in a bubble, in pixels


def is_picture(row: AttachmentRow) -> bool:
    return row.content_type.startswith("image/") and row.content_type != "image/svg+xml"


def caption(text: str, rows: tuple[AttachmentRow, ...]) -> str:
    """A media line's text without its "[image: name]" head (the chip says that)."""
    if not rows or not text.startswith("["):
        return text
    head, _, rest = text.partition("\n")
    return rest if head.endswith("]") else text


def scaled(image: QImage, side: int = PICTURE) -> QImage:
    """The image at most `side` pixels on its longest side (safe off the GUI thread)."""
    if image.width() <= side and image.height() <= side:
        return image
    return image.scaled(
        side, side, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )


class Picture(QLabel):
    """An image of a chat line: a note until it is loaded, then the picture; a click opens it.

    Signals:
        clicked(): the user wants the image itself.
    """

    clicked = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("ChatPicture")
        self.setText("Loading image…")
        self.loaded = False
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def show_image(self, image: QImage) -> None:
        self.setPixmap(QPixmap.fromImage(image))
        self.setFixedSize(image.width(), image.height())
        self.loaded = True

    def show_problem(self, text: str) -> None:
        self.setWordWrap(True)
        self.setText(text)
        self.setObjectName("Muted")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.loaded:
            self.clicked.emit()


class BubbleMedia(QWidget):
    """The attachments of one chat line: the first image as a picture, then one chip each.

    Signals:
        requested(int, str): attachment position, "open" or "save".
    """

    requested = Signal(int, str)

    def __init__(self, rows: tuple[AttachmentRow, ...], parent: QWidget) -> None:
        super().__init__(parent)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 2, 0, 2)
        col.setSpacing(6)
        self.picture: Picture | None = None
        self.picture_position = -1
        first = next((r for r in rows if is_picture(r)), None)
        if first is not None:
            self.picture = Picture(self)
            self.picture_position = first.position
            self.picture.clicked.connect(lambda: self.requested.emit(first.position, "open"))
            col.addWidget(self.picture)
        self.chips: list[AttachmentChip] = []
        for row in rows:
            chip = AttachmentChip(row.filename, row.content_type, row.size, self)
            if not row.kept:
                chip.setToolTip(chip.toolTip() + "\n(downloaded from the server when opened)")
            chip.chosen.connect(lambda action, n=row.position: self.requested.emit(n, action))
            self.chips.append(chip)
            col.addWidget(chip, 0, Qt.AlignmentFlag.AlignLeft)

    def widest(self) -> int:
        picture = self.picture.sizeHint().width() if self.picture is not None else 0
        chips = max((c.sizeHint().width() for c in self.chips), default=0)
        return max(picture, chips)
