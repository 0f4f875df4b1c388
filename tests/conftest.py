import os
import sys

import matplotlib

sys.path.insert(0, os.path.dirname(__file__))
matplotlib.use("Agg")
