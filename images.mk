# Boot images
