"""A learner without a browser: Streamlit's own frontend protocol, spoken over the websocket.

A chromium page costs ~2.5 CPU-s to load on these machines, so a room of 30 learners cannot be
simulated with browsers on the same 2 cores as the server. This client does what the frontend
does on the wire and nothing else, so the server does the same work for it as for a browser:

1. GET the page (`/<url_path>?<query>`), then `/_stcore/health` and `/_stcore/host-config`,
   keeping every cookie they set (Streamlit's XSRF cookie comes with the health check; a sticky
   load balancer in front of it adds its own);
2. open the websocket `/_stcore/stream` with the subprotocols `streamlit, <xsrf cookie>` and every
   cookie of the jar, like a same-origin browser tab (`Origin` header included);
3. send `BackMsg.rerun_script` with a `ClientState` (query string, `page_name` = the url path on
   the first run, then the `page_script_hash` the server answered, the widget states);
4. read `ForwardMsg`s: `new_session` starts a run, `delta`s fill the element tree at their
   `delta_path`, `script_finished` ends it and, like the frontend, drops the elements the run did
   not redraw (only the rerun fragment's, for a fragment run).

Keys: `st.container(key=k)` sends a `Block` whose `id` ends in `-k`, a widget carries the same
id in its element (`button.id`), which is what the frontend turns into the `st-key-k` class;
`text(k)` reads what is inside it. A click is a rerun with `WidgetState(id, trigger_value=True)`,
scoped to the button's fragment (`ClientState.fragment_id`), as the frontend sends it.

Not done (no lesson run needs them): browser context (`context_info`), the message cache
(`cached_message_hashes` stays empty, so the server always sends whole messages), heartbeats,
reconnecting, and components' JavaScript (`report` sends what a component would, by hand).

    async with StreamlitSession(url, page="why_streaming", query={"ttft": "300"}) as s:
        await s.run()
        await s.click("why_run", on_delta=lambda event: ...)
        print(s.text("why_text_stream"))
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

# Importing the generated protobuf modules runs streamlit/__init__ (~0.5 s, no server started):
# the protocol is defined there and nowhere else, and it changes between Streamlit releases.
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Block_pb2 import Block
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin, Subprotocol

__all__ = ["DeltaEvent", "Node", "RunResult", "StreamlitSession", "key_of"]

XSRF_COOKIE = "_streamlit_xsrf"
Path = tuple[int, ...]
_FINISHED = ForwardMsg.ScriptFinishedStatus
_EARLY = _FINISHED.FINISHED_EARLY_FOR_RERUN
_COMPILE_ERROR = _FINISHED.FINISHED_WITH_COMPILE_ERROR
# Fields holding an element's visible text, by element type; others fall back to `body`/`label`.
_TEXT_FIELDS = {"code": "code_text", "exception": "message", "metric": "body", "progress": "text"}


def key_of(element_id: str) -> str | None:
    """The user key in a Streamlit element id (`$$ID-<hash>-<key>`), None without one."""
    if not element_id.startswith("$$ID-"):
        return None
    key = element_id.split("-", maxsplit=2)[-1]
    return None if key == "None" else key


@dataclass(slots=True)
class Node:
    """One slot of the page: an element or a block (container) at its delta path."""

    path: Path
    element: Element | None
    block: Block | None
    script_run_id: str
    """The run that last drew it: the frontend's `data-stale` is `script_run_id != current`."""
    fragment_id: str
    """The fragment that drew it ("" outside fragments): a click inside reruns only that."""

    @property
    def key(self) -> str | None:
        """The user key of a keyed block or widget, the `st-key-<key>` of the frontend."""
        if self.block is not None:
            return key_of(self.block.id) if self.block.HasField("id") else None
        assert self.element is not None
        kind = self.element.WhichOneof("type")
        inner = getattr(self.element, kind) if kind else None
        return key_of(inner.id) if inner is not None and hasattr(inner, "id") else None

    @property
    def kind(self) -> str:
        """The element type (`markdown`, `button`…) or the block type (`vertical`…)."""
        proto: Element | Block | None = self.element if self.element is not None else self.block
        assert proto is not None
        return proto.WhichOneof("type") or ""

    @property
    def text(self) -> str:
        """The element's visible text ('' for blocks and elements without any)."""
        if self.element is None or not (kind := self.kind):
            return ""
        inner = getattr(self.element, kind)
        for name in (_TEXT_FIELDS.get(kind), "body", "label"):
            if name and hasattr(inner, name):
                return str(getattr(inner, name))
        return ""


@dataclass(frozen=True, slots=True)
class DeltaEvent:
    """One delta as it arrived: `at` is `time.perf_counter()` when the frame was read."""

    at: float
    path: Path
    node: Node | None
    """The node it wrote (None for transient deltas, which draw nothing lasting)."""


@dataclass(slots=True)
class RunResult:
    """One script run, from the request that caused it to its `script_finished`."""

    sent_at: float
    """perf_counter() when the rerun request was sent."""
    script_run_id: str = ""
    fragment_ids: tuple[str, ...] = ()
    started_at: float | None = None
    finished_at: float | None = None
    status: int | None = None
    """A `ForwardMsg.ScriptFinishedStatus` value; FINISHED_WITH_COMPILE_ERROR is a failure."""
    deltas: list[DeltaEvent] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status is not None and self.status != _COMPILE_ERROR


class StreamlitSession:
    """One learner's tab: an HTTP GET of the page, then one websocket session (see module doc)."""

    def __init__(
        self,
        base_url: str,
        *,
        page: str = "",
        query: Mapping[str, object] | str | None = None,
        timeout_s: float = 30,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.page = page.strip("/")
        self.query_string = query if isinstance(query, str) else urlencode(dict(query or {}))
        self.timeout_s = timeout_s
        self.http = httpx.AsyncClient(
            headers=dict(headers or {}), timeout=timeout_s, trust_env=False, follow_redirects=True
        )
        self.response: httpx.Response | None = None
        """The page's GET response (status, headers, `Set-Cookie`s)."""
        self.nodes: dict[Path, Node] = {}
        self.page_script_hash = ""
        self.script_run_id = ""
        self.exception_log: list[Element] = []
        """Every exception element received, even if a later run removed it."""
        self.page_not_found: list[str] = []
        """One entry per `page_not_found` the server sent (its page name, "" under st.navigation)."""
        self.messages = 0
        self.bytes_received = 0
        self._widgets: dict[str, WidgetState] = {}  # sticky values sent with every rerun
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._runs: list[RunResult] = []  # requested runs not finished yet, oldest first
        self._current: RunResult | None = None
        self._listeners: list[Callable[[DeltaEvent], None]] = []
        self._changed = asyncio.Event()
        self._closed: BaseException | None = None
        self._fragments_this_run: frozenset[str] = frozenset()

    # --- connection -------------------------------------------------------------------------

    async def __aenter__(self) -> StreamlitSession:
        await self.connect()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    @property
    def handshake_headers(self) -> Mapping[str, str]:
        """The websocket upgrade request's headers, as sent (Cookie, Origin, subprotocols)."""
        if self._ws is None or self._ws.request is None:
            raise RuntimeError("not connected")
        return self._ws.request.headers

    @property
    def cookies(self) -> httpx.Cookies:
        """The cookie jar: what the GETs set, sent again on the websocket."""
        return self.http.cookies

    async def connect(self) -> None:
        url = f"{self.base_url}/{self.page}" + (f"?{self.query_string}" if self.query_string else "")
        self.response = await self.http.get(url)
        self.response.raise_for_status()
        # The frontend checks both before it opens the websocket; the health check is what sets
        # the XSRF cookie, whose value then travels as the websocket's second subprotocol.
        for route in ("health", "host-config"):
            (await self.http.get(f"{self.base_url}/_stcore/{route}")).raise_for_status()
        parts = urlsplit(self.base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        protocols = [Subprotocol("streamlit")]
        if xsrf := self.cookies.get(XSRF_COOKIE):
            protocols.append(Subprotocol(xsrf))  # the frontend's XSRF token is the cookie's value
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.cookies.jar)
        self._ws = await connect(
            f"{scheme}://{parts.netloc}{parts.path}/_stcore/stream",
            subprotocols=protocols,
            origin=Origin(f"{parts.scheme}://{parts.netloc}"),
            additional_headers={"Cookie": cookie} if cookie else None,
            proxy=None,
            max_size=None,  # Streamlit's own limit (server.maxMessageSize, 200 MB) applies
            open_timeout=self.timeout_s,
        )
        self._reader = asyncio.create_task(self._read(), name="streamlit-session-reader")

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        await self.http.aclose()

    # --- what the learner does --------------------------------------------------------------

    async def run(self, *, on_delta: Callable[[DeltaEvent], None] | None = None) -> RunResult:
        """Rerun the page (the first call is the page load) and wait until the run finished."""
        return await self._rerun(fragment_id="", on_delta=on_delta)

    async def click(
        self, key: str, *, on_delta: Callable[[DeltaEvent], None] | None = None
    ) -> RunResult:
        """Click the button with this key and wait until the run it caused finished.

        `on_delta` is called with every delta of that run as it arrives (on the event loop).
        """
        node = self.widget(key)
        state = WidgetState(id=self._id(node), trigger_value=True)
        return await self._rerun(fragment_id=node.fragment_id, trigger=state, on_delta=on_delta)

    async def report(
        self,
        key: str,
        event: str,
        value: object,
        *,
        on_delta: Callable[[DeltaEvent], None] | None = None,
    ) -> RunResult:
        """What a v2 component's JavaScript does with `setTriggerValue(event, value)`: a one-off
        JSON trigger on the component's `…__events` widget, rerunning the component's fragment
        (e.g. the paint probe's report, which a browser sends after every timed run)."""
        node = self.widget(key)
        state = WidgetState(
            id=f"$$STREAMLIT_INTERNAL_KEY_{self._id(node)}__events",
            json_trigger_value=json.dumps([{"event": event, "value": value}]),
        )
        return await self._rerun(fragment_id=node.fragment_id, trigger=state, on_delta=on_delta)

    def component_data(self, key: str) -> Any:
        """The JSON `data` a v2 component (`st.components.v2`) was mounted with."""
        node = self.widget(key)
        assert node.element is not None
        return json.loads(node.element.bidi_component.json or "null")

    async def set_text(self, key: str, value: str) -> RunResult:
        """Type into a text input or area (the frontend reruns when it loses focus)."""
        node = self.widget(key)
        self._widgets[self._id(node)] = WidgetState(id=self._id(node), string_value=value)
        return await self._rerun(fragment_id=node.fragment_id)

    # --- what the learner sees --------------------------------------------------------------

    def find(self, key: str) -> Node | None:
        """The block or widget with this key (the `.st-key-<key>` of the DOM), if drawn."""
        return next((n for n in self.nodes.values() if n.key == key), None)

    def widget(self, key: str) -> Node:
        node = self.find(key)
        if node is None or node.element is None:
            raise KeyError(f"no widget with key {key!r} on the page (keys: {sorted(self.all_keys())})")
        return node

    def all_keys(self) -> set[str]:
        """Every key drawn on the page now (blocks and widgets)."""
        return {key for node in self.nodes.values() if (key := node.key)}

    def within(self, key: str, *, fresh: bool = False) -> list[Node]:
        """The elements inside the keyed block (or the keyed element), in page order.

        `fresh=True` leaves out what the current run has not redrawn yet (`data-stale`)."""
        root = self.find(key)
        if root is None:
            return []
        inside = [
            node
            for path, node in sorted(self.nodes.items())
            if path[: len(root.path)] == root.path and node.element is not None
        ]
        return [n for n in inside if self.is_fresh(n)] if fresh else inside

    def is_fresh(self, node: Node) -> bool:
        """Drawn by the current run, or outside what it redraws (a fragment run redraws only its
        fragments): the frontend's `data-stale="false"`."""
        if node.script_run_id == self.script_run_id:
            return True
        return bool(self._fragments_this_run) and node.fragment_id not in self._fragments_this_run

    def text(self, key: str, *, fresh: bool = False) -> str:
        """The visible text inside the keyed block, one line per element ('' if not drawn)."""
        return "\n".join(t for node in self.within(key, fresh=fresh) if (t := node.text))

    def elements(self, kind: str | None = None) -> Iterator[Node]:
        """The page's elements in page order, only those of type `kind` if given."""
        for _, node in sorted(self.nodes.items()):
            if node.element is not None and (kind is None or node.kind == kind):
                yield node

    @property
    def exceptions(self) -> list[Element]:
        """The exception elements on the page now (an uncaught error in the script)."""
        return [node.element for node in self.elements("exception") if node.element is not None]

    def path_of(self, key: str) -> Path | None:
        node = self.find(key)
        return node.path if node else None

    def keys_around(self, path: Path) -> Iterator[str]:
        """The keys of the blocks holding `path`, innermost first (cheap: one lookup per level)."""
        for depth in range(len(path) - 1, 0, -1):
            node = self.nodes.get(path[:depth])
            if node is not None and (key := node.key):
                yield key

    # --- protocol ---------------------------------------------------------------------------

    def _id(self, node: Node) -> str:
        assert node.element is not None
        return str(getattr(node.element, node.kind).id)

    async def _rerun(
        self,
        *,
        fragment_id: str,
        trigger: WidgetState | None = None,
        on_delta: Callable[[DeltaEvent], None] | None = None,
    ) -> RunResult:
        if self._ws is None:
            raise RuntimeError("not connected: use `async with StreamlitSession(...)`")
        state = ClientState(query_string=self.query_string, fragment_id=fragment_id)
        if self.page_script_hash:
            state.page_script_hash = self.page_script_hash
        else:
            state.page_name = self.page  # the first run: the server resolves the url path
        state.widget_states.widgets.extend(self._widgets.values())
        if trigger is not None:
            state.widget_states.widgets.append(trigger)
        message = BackMsg(rerun_script=state)
        result = RunResult(sent_at=time.perf_counter())
        self._runs.append(result)
        listener = (lambda e: on_delta(e) if result is self._current else None) if on_delta else None
        if listener:
            self._listeners.append(listener)
        try:
            await self._ws.send(message.SerializeToString())
            await asyncio.wait_for(self._finished(result), self.timeout_s)
        finally:
            if listener:
                self._listeners.remove(listener)
        return result

    async def _finished(self, result: RunResult) -> None:
        while result.status is None or result.status == _EARLY:
            if self._closed is not None:
                raise ConnectionError("the websocket closed before the run finished") from self._closed
            self._changed.clear()
            await self._changed.wait()

    async def _read(self) -> None:
        assert self._ws is not None
        try:
            async for frame in self._ws:
                at = time.perf_counter()
                data = frame if isinstance(frame, bytes) else frame.encode()
                self.messages += 1
                self.bytes_received += len(data)
                self._handle(ForwardMsg.FromString(data), at)
        except Exception as exc:  # the connection is gone: every waiter must hear it
            self._closed = exc
        else:
            self._closed = ConnectionError("websocket closed")
        finally:
            self._changed.set()

    def _handle(self, msg: ForwardMsg, at: float) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self._start(msg, at)
        elif kind == "delta":
            self._delta(msg, at)
        elif kind == "script_finished":
            self._finish(msg, at)
        elif kind == "page_not_found":
            self.page_not_found.append(msg.page_not_found.page_name)
        elif kind == "navigation" and msg.navigation.page_script_hash:
            self.page_script_hash = msg.navigation.page_script_hash

    def _start(self, msg: ForwardMsg, at: float) -> None:
        self.script_run_id = msg.metadata.run.script_run_id
        self._fragments_this_run = frozenset(msg.metadata.run.fragment_ids)
        if msg.new_session.page_script_hash:
            self.page_script_hash = msg.new_session.page_script_hash
        # A run started by the server itself (st.rerun, a fragment's run_every) belongs to the
        # request still waiting, if any; it is that request's page the learner then sees.
        self._current = self._runs[0] if self._runs else RunResult(sent_at=at)
        self._current.script_run_id = self.script_run_id
        self._current.fragment_ids = tuple(msg.metadata.run.fragment_ids)
        self._current.started_at = at
        self._current.status = None
        self._changed.set()

    def _delta(self, msg: ForwardMsg, at: float) -> None:
        delta, path = msg.delta, tuple(msg.metadata.delta_path)
        which = delta.WhichOneof("type")
        node: Node | None = None
        if which == "new_element":
            self._drop_below(path)
            node = Node(path, delta.new_element, None, self.script_run_id, delta.fragment_id)
            if node.kind == "exception":
                self.exception_log.append(delta.new_element)
        elif which == "add_block":
            old = self.nodes.get(path)
            same = old is not None and old.block is not None and old.kind == _block_kind(delta.add_block)
            if not same:  # the frontend keeps the children of a redrawn block of the same type
                self._drop_below(path)
            node = Node(path, None, delta.add_block, self.script_run_id, delta.fragment_id)
        if node is not None:
            self.nodes[path] = node
        event = DeltaEvent(at, path, node)
        if self._current is not None:
            self._current.deltas.append(event)
        for listener in self._listeners:
            listener(event)

    def _finish(self, msg: ForwardMsg, at: float) -> None:
        status = msg.script_finished
        run = msg.metadata.run
        if status != _EARLY:
            fragments = set(run.fragment_ids)
            stale = [
                path
                for path, node in self.nodes.items()
                if node.script_run_id != run.script_run_id
                and (not fragments or node.fragment_id in fragments)
            ]
            for path in stale:
                self.nodes.pop(path, None)
                self._drop_below(path)
        current = self._current
        if current is not None and current.script_run_id == run.script_run_id:
            current.status, current.finished_at = status, at
            if status != _EARLY and self._runs and self._runs[0] is current:
                self._runs.pop(0)
        self._changed.set()

    def _drop_below(self, path: Path) -> None:
        for below in [p for p in self.nodes if len(p) > len(path) and p[: len(path)] == path]:
            del self.nodes[below]


def _block_kind(block: Block) -> str:
    return block.WhichOneof("type") or ""


def describe(node: Node) -> dict[str, Any]:
    """A node as plain data (for debugging a page: `[describe(n) for n in s.elements()]`)."""
    return {"path": node.path, "kind": node.kind, "key": node.key, "text": node.text[:80]}
