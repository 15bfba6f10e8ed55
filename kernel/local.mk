# Kernel build (in progress)
