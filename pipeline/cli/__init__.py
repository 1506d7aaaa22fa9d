"""The `article-audio` command line: one module per command group, `main` ties them together."""

import os

# A render's matrix products are tiny (true-peak interpolation): OpenBLAS's worker threads would only spin,
# and took a tenth of a render's CPU from the encoder. Set before numpy loads; a value the user set is kept.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
