"""The Responses API (`POST /v1/responses`), OpenAI's current API, on the embedded simulator.

request (what is accepted, OpenAI's refusals) · inputs (input items → chat messages) ·
reasoning (which models think, for how long) · thoughts (their reasoning summaries) · plan
(output items and their schedule, answers from the chat planner) · objects (the `response`
object and its items) · events (the typed event stream) · endpoint (HTTP, faults, traces).
"""
