; The smallest Keel program: says hello and exits with status 0.
bits 64
%include "sys.inc"

section .text
global _start
_start:
	sys_write message, message_len
	sys_exit 0

section .rodata
message:	db "Hello from a flat binary in ring 3!", 10
message_len	equ $ - message
