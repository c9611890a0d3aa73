"""Adding and removing CardDAV address books: the keyring and the store change together.

Shared by `unibox addressbook add|remove` and the Settings dialog. Everything
here may wait on the network: call it off the GUI thread.
"""

from __future__ import annotations

from unibox.core.errors import UserError
from unibox.secrets import SecretStore
from unibox.store import address_books as books
from unibox.store.address_books import BookInfo
from unibox.store.intent import intent_write
from unibox.store.store import Store


def secret_ref(name: str) -> str:
    return f"carddav:{name}"


def find_book(url: str, username: str, password: str, ca_file: str = "") -> tuple[str, str]:
    """(name, url) of the first address book the server lists for this user.

    Raises UserError in words: unreachable, password refused, nothing found.
    """
    from unibox.channels.carddav import CardDavClient, DavAccount

    url = url.strip()
    if not url:
        raise UserError("Enter the address of the CardDAV server or of the address book.")
    if "://" not in url:
        url = f"https://{url}"
    if ca_file:
        from unibox.channels.tls import check_ca_file

        ca_file = check_ca_file(ca_file)
    client = CardDavClient(DavAccount(url, username, password, ca_file))
    try:
        found = client.discover()
    finally:
        client.close()
    if not found:
        raise UserError(f"No address book was found at {url}.")
    return found[0].name, found[0].url


def add_address_book(
    store: Store,
    secrets: SecretStore,
    *,
    name: str,
    url: str,
    username: str,
    password: str,
    ca_file: str = "",
) -> tuple[BookInfo, str]:
    """Check the server, keep the password in the keyring and the book in the store.

    Returns the book and the name the server gives it. Both or neither are kept.
    """
    name = name.strip()
    if not name:
        raise UserError("Give the address book a name (“Home”, “Work”).")
    if not password:
        raise UserError("Enter the password for the address book.")
    with store.read() as s:  # before the keyring is touched: the reference is that book's
        if any(b.name == name for b in books.list_books(s)):
            raise UserError(f"There is already an address book called “{name}”.")
    if ca_file:
        from unibox.channels.tls import check_ca_file

        ca_file = check_ca_file(ca_file)
    ca = ca_file
    remote_name, book_url = find_book(url, username, password, ca)
    ref = secret_ref(name)
    with secrets.kept_for(ref, password), intent_write(store) as s:
        info = books.add_book(
            s, name=name, url=book_url, username=username, secret_ref=ref, ca_file=ca
        )
    return info, remote_name


def update_address_book(
    store: Store,
    secrets: SecretStore,
    book: BookInfo,
    *,
    username: str,
    password: str,
    ca_file: str,
    check_only: bool = False,
) -> tuple[BookInfo, str]:
    """Check a book's new user name, password (empty: the keyring's) and CA file with its
    server, then keep them, unless `check_only`. Returns the book and the server's name for it.

    Its sync reads the book afresh each time: kick it to use the new settings.
    """
    ca = ""
    if ca_file:
        from unibox.channels.tls import check_ca_file

        ca = check_ca_file(ca_file)
    remote_name, _url = find_book(book.url, username, password or secrets.get(book.secret_ref), ca)
    if check_only:
        return book, remote_name
    if password:
        secrets.set(book.secret_ref, password)
    with intent_write(store) as s:
        info = books.update_book(s, book.name, username=username, ca_file=ca)
    return info, remote_name


def remove_address_book(store: Store, secrets: SecretStore, name: str) -> BookInfo:
    """Forget the book here and its password; its people stay, the server keeps its cards."""
    with intent_write(store) as s:
        info = books.remove_book(s, name)
    secrets.delete(info.secret_ref)
    return info
