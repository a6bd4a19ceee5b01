"""The latency lab: experiments, runner, history store, files, shareable links, statistics."""
