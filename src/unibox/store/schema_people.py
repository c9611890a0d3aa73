"""Tables of the person record: contact card, touch points, tasks, merges, suggestions.

Imported at the end of `schema` so the tables share its metadata (Alembic
and the schema test see them); use them through `schema` or this module.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from unibox.store.schema import Base


class PersonCard(Base):
    """The contact card of a person: what an address book says about them."""

    __tablename__ = "person_card"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    uid: Mapped[str] = mapped_column(String(400), default="", index=True)  # vCard UID
    full_name: Mapped[str] = mapped_column(String(400), default="")
    given_name: Mapped[str] = mapped_column(String(200), default="")
    family_name: Mapped[str] = mapped_column(String(200), default="")
    nickname: Mapped[str] = mapped_column(String(200), default="")
    company: Mapped[str] = mapped_column(String(400), default="")
    title: Mapped[str] = mapped_column(String(400), default="")
    birthday: Mapped[str] = mapped_column(String(10), default="")  # YYYY-MM-DD or --MM-DD
    note: Mapped[str] = mapped_column(Text, default="")
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)
    photo_type: Mapped[str] = mapped_column(String(60), default="")
    updated_at: Mapped[int] = mapped_column(Integer)


class PersonField(Base):
    """A many-valued card field: postal address, tag, web page or custom field."""

    __tablename__ = "person_field"
    __table_args__ = (Index("ix_person_field_person", "person_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # address, tag, url, custom
    label: Mapped[str] = mapped_column(String(200), default="")
    value: Mapped[str] = mapped_column(Text)  # an address is JSON of its parts
    position: Mapped[int] = mapped_column(Integer, default=0)


class PersonNote(Base):
    """A touch point logged by hand: a call, a meeting, a note; who did it and when."""

    __tablename__ = "person_note"
    __table_args__ = (Index("ix_person_note_person", "person_id", "happened_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20), default="note")  # call, meeting, note
    happened_at: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    done_by: Mapped[str] = mapped_column(String(200), default="")  # "" is the user
    created_at: Mapped[int] = mapped_column(Integer)


class PersonTask(Base):
    """Something pending with a person: what, who does it, by when, and when it was done."""

    __tablename__ = "person_task"
    __table_args__ = (Index("ix_person_task_person", "person_id", "done_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(Text)
    due_at: Mapped[int | None] = mapped_column(Integer)
    owner: Mapped[str] = mapped_column(String(200), default="")  # "" is the user
    done_at: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[int] = mapped_column(Integer)
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversation.id", ondelete="SET NULL")
    )


class PersonMerge(Base):
    """A merge or split as it was done, with what moved, so it can be undone."""

    __tablename__ = "person_merge"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # merge, split
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)  # kept
    other_person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    at: Mapped[int] = mapped_column(Integer)
    undone_at: Mapped[int | None] = mapped_column(Integer)
    detail_json: Mapped[str] = mapped_column(Text, default="{}")


class MergeSuggestion(Base):
    """Evidence that two people are one, waiting for the user to accept or dismiss it."""

    __tablename__ = "merge_suggestion"
    __table_args__ = (
        UniqueConstraint("person_id", "other_person_id", "reason"),
        Index("ix_merge_suggestion_state", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    other_person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(20))  # same_name, vcard, plus_address, …
    detail: Mapped[str] = mapped_column(Text, default="")  # a sentence for the user
    state: Mapped[str] = mapped_column(String(10), default="pending")
    created_at: Mapped[int] = mapped_column(Integer)
    decided_at: Mapped[int | None] = mapped_column(Integer)


class AddressBook(Base):
    """A CardDAV address book synced both ways; the password is in the keyring."""

    __tablename__ = "address_book"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    url: Mapped[str] = mapped_column(String(2000))
    username: Mapped[str] = mapped_column(String(400))
    secret_ref: Mapped[str] = mapped_column(String(400))
    ca_file: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[int] = mapped_column(Integer)
    last_sync_at: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str] = mapped_column(Text, default="")


class AddressBookCard(Base):
    """A card on the server, the person it is, and the version both sides last agreed on."""

    __tablename__ = "address_book_card"

    book_id: Mapped[int] = mapped_column(
        ForeignKey("address_book.id", ondelete="CASCADE"), primary_key=True
    )
    href: Mapped[str] = mapped_column(String(2000), primary_key=True)
    etag: Mapped[str] = mapped_column(String(400), default="")
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    vcard: Mapped[str] = mapped_column(Text, default="")  # the base of three-way merges


class HandleSuggestion(Base):
    """A handle someone lists as theirs (in a signature) that belongs to nobody yet:
    proposed for their card, added only when the user accepts."""

    __tablename__ = "handle_suggestion"
    __table_args__ = (
        UniqueConstraint("person_id", "kind", "value"),
        Index("ix_handle_suggestion_state", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(400))
    detail: Mapped[str] = mapped_column(Text, default="")  # a sentence for the user
    state: Mapped[str] = mapped_column(String(10), default="pending")
    created_at: Mapped[int] = mapped_column(Integer)
    decided_at: Mapped[int | None] = mapped_column(Integer)
