"""Every language's generated files, from the core's schema bundle: one Jinja2 template per file
and language (`templates/`), the data each reads prepared by its language's module, the output
formatted by that language's formatter. `generate.generate` is the entry point, which the task
program runs (`make codegen`, and `make lint`'s freshness check)."""
