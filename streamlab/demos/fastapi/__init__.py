"""Lesson "Streaming + FastAPI": the seed's route on a real local server, instrumented and measured.

`server` builds and starts the chat app (`routes`, `service`, the run `probe`, the buffering
`proxy`, the request `guards`); `client` reads its stats and runs over HTTP; `gotchas` measures
client disconnects and a blocked event loop. The HTML client the server serves is in `static/`.
"""
