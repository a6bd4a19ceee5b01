"""Take-home driver of "Streaming + FastAPI": the seed's routes as a real server, read chunk by chunk.

By default the script starts the app on a free local port, sends one request and prints each piece
of the body as it arrives; `SERVE = True` keeps the server running for your own client or curl.
"""

from __future__ import annotations

import socket
import threading
import time

import httpx
import uvicorn
from fastapi import FastAPI

from streamlab.recipes.fastapi import build_chain, chat, chat_async, chat_full, chat_sse
from streamlab.take_home.runtime import make_llm, ms_since

QUESTION = "Explain RAG"
ROUTE = "/chat"  # "/chat" (the seed), "/chat/async", "/chat/sse" or "/chat/full" (no streaming)
SERVE = False


def build_app() -> FastAPI:
    chain = build_chain(make_llm())
    app = FastAPI()
    app.get("/chat")(lambda q: chat(chain, q))
    app.get("/chat/async")(lambda q: chat_async(chain, q))
    app.get("/chat/sse")(lambda q: chat_sse(chain, q))
    app.get("/chat/full")(lambda q: chat_full(chain, q))
    return app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(build_app(), host="127.0.0.1", port=port, log_level="warning")
    )
    if SERVE:
        print(f'curl -N "http://127.0.0.1:{port}{ROUTE}?q=hello"')
        server.run()
        return
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    start = time.perf_counter()
    url = f"http://127.0.0.1:{port}{ROUTE}"
    with httpx.stream("GET", url, params={"q": QUESTION}, timeout=60) as response:
        print(
            f"{ms_since(start):8.1f} ms  HTTP {response.status_code} {response.headers['content-type']}"
        )
        for piece in response.iter_text():
            print(f"{ms_since(start):8.1f} ms  {piece!r}")
    server.should_exit = True
    thread.join()
