"""Publishing for the readers who press play: pages with the player, their metadata, serving them for review,
and listeners' mispronunciation reports."""
