#!/bin/sh
# Reads `nm -n --defined-only` output of the kernel on stdin and writes, as GNU assembler
# source, the symbol table the kernel searches to print backtraces: the functions' addresses
# in ascending order, each with a pointer to its name (see kernel/lib/ksyms.c).
awk '
$2 ~ /^[tT]$/ && $3 !~ /^\./ { addr[n] = $1; name[n] = $3; n++ }
END {
	print "\t.section .ksyms, \"a\""
	print "\t.balign 8"
	print "\t.globl ksyms_count, ksyms_table"
	print "ksyms_count:\n\t.quad " n
	print "ksyms_table:"
	for (i = 0; i < n; i++)
		printf "\t.quad 0x%s, .Lname%d\n", addr[i], i
	for (i = 0; i < n; i++)
		printf ".Lname%d:\t.asciz \"%s\"\n", i, name[i]
	print "\t.section .note.GNU-stack, \"\", @progbits"
}'
