# Placeholder: filled in by the work on tools/mkramfs.
