import os, random, subprocess, sys, tempfile, time, functools
from pathlib import Path
from benchmarks.bench_caldav import USER, PASSWORD, warm, run
from tests.helpers.calgen import event_file
from tests.helpers.radicale import Radicale
rng = random.Random(1)
every = 25
items = {f"bench-{n}.ics": event_file(n, n % every == 0 and n // every < 200, rng) for n in range(5000)}
with Radicale() as server:
    server.add_user(USER, PASSWORD)
    server.request(USER, PASSWORD, "PROPFIND", f"/{USER}/", Depth="0")
    server.write_collection(USER, "work", items=items)
    url = f"{server.url.rstrip('/')}/{USER}/work/"
    warm(server, url)
    for i in range(2):
        work = Path(tempfile.mkdtemp())
        env = dict(os.environ, UNIBOX_PROFILE=str(work/"p"), UNIBOX_INSECURE_TEST_KEYRING=str(work/"k"), PYTHONPATH=os.environ["PYTHONPATH"])
        run([sys.executable, "-m", "unibox", "calendar", "list"], env)
        t = run([sys.executable, "-m", "unibox", "-v", "calendar", "add-caldav", "--name", "W", "--url", server.url, "--username", USER, "--password-stdin"], env, "pw\n")
        print("cli first sync", t)
    # in-process phases
    import unibox.sync.calendars as sc, unibox.channels.caldav as ch
    from unibox.secrets import SecretStore
    from unibox.services.calendars import add_caldav, sync_all
    from tests.helpers.items import new_store
    os.environ["UNIBOX_INSECURE_TEST_KEYRING"] = str(work/"k2")
    acc = {}
    def wrap(mod, name):
        f = getattr(mod, name)
        @functools.wraps(f)
        def g(*a, **k):
            t=time.time()
            try: return f(*a, **k)
            finally: acc[name] = acc.get(name, 0) + time.time()-t
        setattr(mod, name, g)
    for n in ("_apply", "_fetch", "_pull", "quick_events"): wrap(sc, n)
    for n in ("changes", "state", "discover"): wrap(ch.CalDavClient, n)
    store = new_store(work/"s")
    t=time.time(); add_caldav(store, SecretStore(), name="W", url=server.url, username=USER, password=PASSWORD); print("add (discover)", time.time()-t)
    t=time.time(); sync_all(store, SecretStore(), discover=False); print("sync", time.time()-t, acc)
