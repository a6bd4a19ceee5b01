"""Lesson code: small functions that pages both display (inspect.getsource) and run.

One module per lesson; each function reads like a textbook snippet and takes the model
built from the sidebar, so the code a learner copies is the code that produced the output.
"""
