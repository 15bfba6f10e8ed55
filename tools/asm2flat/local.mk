# Placeholder: filled in by the work on tools/asm2flat.
