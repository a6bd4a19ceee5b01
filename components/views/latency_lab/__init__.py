"""Views of the latency lab: the experiment form, the run and its results, the history."""
