# Turns a C header's numeric #define lines into NASM %define lines; drops everything else.
s/^#define[ 	]\{1,\}\([A-Z_][A-Z0-9_]*\)[ 	]\{1,\}\(0[xX][0-9a-fA-F]\{1,\}\|[0-9]\{1,\}\)[uUlL]*[ 	]*\(\/\*.*\)\{0,1\}$/%define \1 \2/p
