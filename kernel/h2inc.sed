# Turns a C header's numeric #define lines (hexadecimal or decimal: octal would be misread by
# NASM, so it is left out) into NASM %define lines; drops everything else.
s/^#define[ 	]\{1,\}\([A-Za-z_][A-Za-z0-9_]*\)[ 	]\{1,\}\(0[xX][0-9a-fA-F]\{1,\}\|[1-9][0-9]*\|0\)[uUlL]*[ 	]*\(\/\*.*\)\{0,1\}$/%define \1 \2/p
