; A program without _start, linked at an unaligned base: ld then starts .text at the base
; and fills the bytes up to the first 16-byte-aligned input section with NOPs.
bits 64

section .text
	ret

section .data
here:	dq here
