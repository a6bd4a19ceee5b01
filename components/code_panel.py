"""Show the exact source of the function a page is about to run (one source for both)."""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Callable

import streamlit as st


def source_of(*functions: Callable[..., object]) -> str:
    return "\n\n".join(textwrap.dedent(inspect.getsource(fn)).strip() for fn in functions)


def show_source(*functions: Callable[..., object], caption: str | None = None) -> None:
    st.code(source_of(*functions), language="python")
    if caption:
        st.caption(caption)
