; A stand-in kernel for mkboot's tests: the smallest Multiboot2 kernel that proves it was
; booted. Entered by GRUB in 32-bit protected mode, it writes "keel-fixture: booted" to
; COM1, then the command line GRUB passed, and the string and first bytes of each module
; (up to DATA_MAX printable ones), one per line, and leaves QEMU through the isa-debug-exit
; device (iobase 0xf4).
;
; Defines make the malformed variants the tests feed to mkboot:
;   NO_HEADER      no Multiboot2 header at all
;   BAD_CHECKSUM   a header whose checksum is off by one
;   BAD_ARCH       a header for an architecture other than i386
;   SHORT_HEADER   a header whose header_length is too small to hold the end tag
;   FAR_HEADER     a correct header, but beyond the first 32 KiB of the file
; The magic numbers come from the shared header (through -I), never restated here.

%include "multiboot2.inc"

%ifdef BAD_ARCH
%define ARCH 4
%else
%define ARCH MB2_ARCH_I386
%endif

%ifdef SHORT_HEADER
%define HLEN 16
%else
%define HLEN (mb2_end - mb2_start)
%endif

%ifdef BAD_CHECKSUM
%define SUMFIX 1
%else
%define SUMFIX 0
%endif

COM1		equ 0x3f8
DEBUG_EXIT	equ 0xf4
DATA_MAX	equ 32

section .text
bits 32
global _start

%ifdef FAR_HEADER
	times 40960 db 0x90
%endif

%ifndef NO_HEADER
align MB2_HEADER_ALIGN
mb2_start:
	dd MB2_HEADER_MAGIC
	dd ARCH
	dd HLEN
	dd (0x100000000 - (MB2_HEADER_MAGIC + ARCH + HLEN) - SUMFIX) & 0xffffffff
	dw MB2_HTAG_END, 0
	dd 8
mb2_end:
%endif

_start:
	cli
	mov esp, stack_top
	mov edi, ebx			; the boot information, kept across the calls
	mov esi, msg_booted
	call puts
	lea ebx, [edi + 8]		; first tag
.tag:
	mov eax, [ebx]
	cmp eax, MB2_TAG_END
	je .done
	cmp eax, MB2_TAG_CMDLINE
	jne .notcmd
	mov esi, msg_cmdline
	call puts
	lea esi, [ebx + 8]
	call puts
	mov esi, msg_nl
	call puts
.notcmd:
	cmp eax, MB2_TAG_MODULE
	jne .next
	mov esi, msg_module
	call puts
	lea esi, [ebx + 16]
	call puts
	mov esi, msg_data
	call puts
	mov esi, [ebx + 8]		; mod_start
	mov ecx, [ebx + 12]		; mod_end
	call putdata
	mov esi, msg_nl
	call puts
.next:
	mov eax, [ebx + 4]		; size, then round up to the 8-byte tag alignment
	add eax, MB2_TAG_ALIGN - 1
	and eax, ~(MB2_TAG_ALIGN - 1)
	add ebx, eax
	jmp .tag
.done:
	mov esi, msg_done
	call puts
	mov dx, DEBUG_EXIT
	xor eax, eax
	out dx, eax			; QEMU exits with status (0 << 1) | 1
.hang:
	hlt
	jmp .hang

; puts: writes the NUL-terminated string at esi to COM1.
puts:
	push eax
.loop:
	mov al, [esi]
	test al, al
	jz .out
	call putc
	inc esi
	jmp .loop
.out:
	pop eax
	ret

; putdata: writes the bytes from esi up to ecx to COM1, stopping after DATA_MAX bytes or
; at the first byte that is not printable ASCII.
putdata:
	push eax
	push edx
	lea edx, [esi + DATA_MAX]
	cmp ecx, edx
	jbe .loop
	mov ecx, edx
.loop:
	cmp esi, ecx
	jae .out
	mov al, [esi]
	cmp al, ' '
	jb .out
	cmp al, '~'
	ja .out
	call putc
	inc esi
	jmp .loop
.out:
	pop edx
	pop eax
	ret

; putc: writes al to COM1, waiting for the transmitter.
putc:
	push eax
	push edx
	mov ah, al
	mov dx, COM1 + 5		; line status register: bit 5 is "transmitter empty"
.wait:
	in al, dx
	test al, 0x20
	jz .wait
	mov al, ah
	mov dx, COM1
	out dx, al
	pop edx
	pop eax
	ret

section .rodata
msg_booted:	db 13, 10, "keel-fixture: booted", 13, 10, 0
msg_cmdline:	db "keel-fixture: cmdline=[", 0
msg_module:	db "keel-fixture: module=[", 0
msg_data:	db "] data=[", 0
msg_nl:		db "]", 13, 10, 0
msg_done:	db "keel-fixture: done", 13, 10, 0

section .bss
align 16
	resb 4096
stack_top:
