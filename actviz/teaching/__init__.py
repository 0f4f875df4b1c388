"""The teaching figures, one module each: the experiment (pure numpy,
seeded, so that the lesson can be checked without looking at a picture),
the figure (matplotlib, imported only when one is drawn), its Chinese
strings, and its command.

LESSONS is the one list the command line, the gallery and the fuzzer find
them through: a new teaching figure is a module here with a ``LESSON``,
added to it.
"""
from . import backprop, collapse, compare, depth, sparsity, zigzag

LESSONS = (depth.LESSON, zigzag.LESSON, sparsity.LESSON, collapse.LESSON, compare.LESSON, backprop.LESSON)
