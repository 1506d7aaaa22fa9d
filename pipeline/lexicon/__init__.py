"""For editors: the pronunciation lexicon (model), its file formats, and the check, audition and suggest tools."""
