"""For cron: unattended batch runs (runner), the shared sentence audio cache, and the published index and feed."""
