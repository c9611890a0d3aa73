"""Hostile HTML: every way a mail body has been seen to fetch something or run code.

Each vector names its own path on the counting server, so a request that gets
through says which vector let it. Used by tests/ui/test_hostile_html.py.
"""

from __future__ import annotations

import base64

from tests.ui.hostile import CountingServer


def vectors(server: CountingServer) -> dict[str, str]:
    """Vector name -> an HTML fragment that, in a browser, would request /<name>."""
    u = server.url
    hostport = f"127.0.0.1:{server.port}"
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        f'<image xlink:href="{u("/svg-in-data-url")}" width="9" height="9"/></svg>'
    )
    svg_data = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return {
        # scripts
        "script-src": f'<script src="{u("/script-src")}"></script>',
        "script-inline": f"<script>new Image().src='{u('/script-inline')}'</script>",
        "javascript-url": f"<a href=\"javascript:new Image().src='{u('/javascript-url')}'\">x</a>",
        "noscript": f'<noscript><img src="{u("/noscript")}"></noscript>',
        # event handlers
        "onerror": f'<img src="x:y" onerror="new Image().src=\'{u("/onerror")}\'">',
        "onload": f"<body onload=\"new Image().src='{u('/onload')}'\">",
        "onmouseover": f"<p onmouseover=\"new Image().src='{u('/onmouseover')}'\">hover</p>",
        # remote images
        "img": f'<img src="{u("/img")}">',
        "img-protocol-relative": f'<img src="//{hostport}/img-protocol-relative">',
        "img-srcset": f'<img srcset="{u("/img-srcset")} 2x">',
        "picture-source": f'<picture><source srcset="{u("/picture-source")}"><img></picture>',
        "img-lowsrc-dynsrc": f'<img lowsrc="{u("/img-lowsrc")}" dynsrc="{u("/img-dynsrc")}">',
        "input-image": f'<input type="image" src="{u("/input-image")}">',
        "video-poster": f'<video poster="{u("/video-poster")}" src="{u("/video-src")}"></video>',
        "audio": f'<audio src="{u("/audio")}" autoplay></audio>',
        "body-background": f'<body background="{u("/body-background")}">',
        "td-background": f'<table><tr><td background="{u("/td-background")}">c</td></tr></table>',
        # CSS
        "css-url-style-attr": f'<p style="background-image: url({u("/css-url-style-attr")})">b</p>',
        "css-url-style-element": (
            f"<style>p {{ background: url('{u('/css-url-style-element')}') }}</style>"
        ),
        "css-import": f'<style>@import url("{u("/css-import")}");</style>',
        "css-import-bare": f'<style>@import "{u("/css-import-bare")}";</style>',
        "css-escaped-url": f'<p style="background: u\\rl({u("/css-escaped-url")})">e</p>',
        "css-image-set": f"<p style=\"background: image-set('{u('/css-image-set')}' 1x)\">i</p>",
        "css-list-style": (
            f'<ul style="list-style-image: url({u("/css-list-style")})"><li>l</li></ul>'
        ),
        "css-cursor-content": f'<p style="cursor: url({u("/css-cursor")}), auto">c</p>',
        "link-stylesheet": f'<link rel="stylesheet" href="{u("/link-stylesheet")}">',
        "link-prefetch": f'<link rel="prefetch" href="{u("/link-prefetch")}">',
        "link-dns-prefetch": f'<link rel="dns-prefetch" href="{u("/link-dns-prefetch")}">',
        # web fonts
        "font-face": (
            f"<style>@font-face {{ font-family: X; src: url({u('/font-face')}) }}"
            " p { font-family: X }</style>"
        ),
        # frames and embedded objects
        "iframe": f'<iframe src="{u("/iframe")}"></iframe>',
        "iframe-srcdoc": f"<iframe srcdoc=\"<img src='{u('/iframe-srcdoc')}'>\"></iframe>",
        "frame": f'<frameset><frame src="{u("/frame")}"></frameset>',
        "object": f'<object data="{u("/object")}"></object>',
        "embed": f'<embed src="{u("/embed")}">',
        # forms
        "form": (
            f'<form action="{u("/form")}" method="post"><input name="q"><button>Go</button></form>'
        ),
        "formaction": f'<button formaction="{u("/formaction")}">Go</button>',
        # navigation
        "meta-refresh": f'<meta http-equiv="refresh" content="0; url={u("/meta-refresh")}">',
        "base-href": f'<base href="{u("/base-href/")}"><img src="relative.png">',
        "a-ping": f'<a href="https://example.org/" ping="{u("/a-ping")}">ping</a>',
        # SVG tricks
        "svg-image": f'<svg><image href="{u("/svg-image")}" width="9" height="9"/></svg>',
        "svg-use": f'<svg><use href="{u("/svg-use")}#x"/></svg>',
        "svg-style-import": f"<svg><style>@import url({u('/svg-style-import')});</style></svg>",
        "svg-onload": f"<svg onload=\"new Image().src='{u('/svg-onload')}'\"></svg>",
        "svg-in-data-url": f'<img src="{svg_data}">',
        "math-href": f'<math href="{u("/math-href")}"><mi>x</mi></math>',
    }


def hostile_page(server: CountingServer) -> str:
    """One HTML body holding every vector, with a line of text to read among them."""
    parts = "\n".join(vectors(server).values())
    return (
        "<html><head><title>t</title></head><body>"
        "<p>Hello Mira, your invoice is ready: readableword.</p>\n"
        f"{parts}\n</body></html>"
    )
