"""The embedded OpenAI-compatible simulator.

options (the latency/fault vocabulary and its limits) · models (names and latency profiles) ·
request and validation (what is accepted) · errors (OpenAI-style refusals) · plan (what is
answered, when) · answers, writing, tools, formats, arguments and logprobs (text, tool calls,
schema values) · protocol (wire shapes) · streaming, headers and server (HTTP) · body and net
(guards) · traces (send times) · responses (the Responses API).
The bottom wing: it imports nothing else from streamlab, so the server can run on its own
(`python -m streamlab.server`).
"""
