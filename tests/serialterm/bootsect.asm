; bootsect.asm: a stand-in for Keel in serialterm's --boot tests, one BIOS boot sector.
; It prints Keel's ready line on COM1, echoes what it receives, and on "q" leaves QEMU
; through isa-debug-exit with the value 1 (QEMU's exit status (1 << 1) | 1 = 3).
; COM1 is left as SeaBIOS set it up: these tests care about bytes, not the baud rate.
bits 16
org 0x7c00

start:	cli
	xor ax, ax
	mov ds, ax
	mov si, ready
.print:	lodsb
	test al, al
	jz .echo
	call putc
	jmp .print
.echo:	call getc
	cmp al, 'q'
	je .quit
	call putc
	jmp .echo
.quit:	mov dx, 0xf4
	mov al, 1
	out dx, al
	hlt

; putc: sends al once the transmit holding register is empty (16550 LSR bit 5).
putc:	mov ah, al
	mov dx, 0x3fd
.wait:	in al, dx
	test al, 0x20
	jz .wait
	mov al, ah
	mov dx, 0x3f8
	out dx, al
	ret

; getc: returns in al the next received byte (16550 LSR bit 0: data ready).
getc:	mov dx, 0x3fd
.wait:	in al, dx
	test al, 1
	jz .wait
	mov dx, 0x3f8
	in al, dx
	ret

ready:	db "keel: ready in 0 ms", 13, 10, 0
	times 510 - ($ - $$) db 0
	dw 0xaa55
