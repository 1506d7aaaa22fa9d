"""The stages an article passes through, in order: article, split, script (lexicon and normalize), synthesize,
stitch, loudness, encode; estimate and report beside them."""
