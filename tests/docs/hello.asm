; The flat program of the asm2flat and SDK examples: says hello and exits.
bits 64
%include "sys.inc"

section .text
global _start
_start:
	sys_write message, message_len
	sys_exit 0

section .rodata
message:	db "hello", 10
message_len	equ $ - message
