"""The computation core: formulas, evaluation, statistics, peers and DEA.

Frames in, frames out. This package never imports Django (a test checks it), so it can
be tested, benchmarked and used from the command line on its own.
"""
