"""The `article-audio` command line: one module per command group, `main` ties them together."""
