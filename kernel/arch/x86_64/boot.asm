; The kernel's entry from GRUB: a Multiboot2 header, then 32-bit code that checks the machine,
; builds the first page tables, enters long mode and jumps to the higher half, where kmain is
; called on a kernel stack with an unmapped guard page below it.
;
; Multiboot2 spec 3.2 fixes the state we start in: 32-bit protected mode, paging off,
; EAX = MB2_BOOT_MAGIC, EBX = physical address of the boot information, no usable stack.

%include "multiboot2.inc"
%include "memlayout.inc"
%include "layout.inc"
%include "uart16550.inc"

%define V2P(x)		((x) - KERNEL_VMA)	; physical address of a higher-half symbol
%define CR0_PE		(1 << 0)
%define CR0_WP		(1 << 16)
%define CR0_AM		(1 << 18)
%define CR0_PG		(1 << 31)
%define CR4_PAE		(1 << 5)
%define EFLAGS_ID	(1 << 21)
%define VGA_TEXT	0xb8000

extern kmain
extern __kernel_phys_start, __kernel_end
extern __text_start, __text_end, __rodata_start, __data_start

; ------------------------------------------------------------------------------------------
; Multiboot2 spec 3.1: the header, 8-byte aligned within the first 32 KiB of the image.
section .multiboot2 progbits alloc noexec nowrite align=8
mb2_header:
	dd MB2_HEADER_MAGIC
	dd MB2_ARCH_I386
	dd mb2_header_end - mb2_header
	dd 0x100000000 - (MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	; Spec 3.1.10: a framebuffer for the screen console. Optional, so that GRUB boots us
	; in text mode where it has no graphics; tags are 8-byte aligned (spec 3.1.3).
	dw MB2_HTAG_FRAMEBUFFER, MB2_HTAG_OPTIONAL
	dd 20
	dd MB2_FB_WANT_WIDTH, MB2_FB_WANT_HEIGHT, MB2_FB_WANT_DEPTH
	align 8, db 0
	; Spec 3.1.3: the tag list ends with a tag of type 0 and size 8.
	dw MB2_HTAG_END, 0
	dd 8
mb2_header_end:

; ------------------------------------------------------------------------------------------
section .boot.text progbits alloc exec nowrite align=16
bits 32

global _start
_start:
	cli
	cld
	mov esp, V2P(kstack_top)
	mov [boot_magic], eax
	mov [boot_info], ebx

	cmp eax, MB2_BOOT_MAGIC
	jne .no_multiboot
	call check_cpuid
	call check_long_mode
	call build_page_tables

	; Intel SDM 3A 9.8.5 "Initializing IA-32e Mode": PAE on, CR3 loaded, EFER.LME set,
	; then paging on; the CPU is in IA-32e mode once CR0.PG is set.
	mov eax, cr4
	or eax, CR4_PAE
	mov cr4, eax
	mov eax, V2P(boot_pml4)
	mov cr3, eax
	mov ecx, MSR_EFER
	rdmsr
	or eax, EFER_LME
	cmp dword [nx_high], 0
	je .no_nx
	or eax, EFER_NXE
.no_nx:
	wrmsr
	; CR0.AM lets a user program that sets RFLAGS.AC take #AC on a misaligned access
	; (Intel SDM 3A 6.15, interrupt 17); it never applies to the kernel (CPL 0).
	mov eax, cr0
	or eax, CR0_PG | CR0_WP | CR0_PE | CR0_AM
	mov cr0, eax

	; Still in compatibility mode: a far jump through a 64-bit code segment finishes it.
	lgdt [boot_gdt_ptr]
	jmp SEL_KCODE:long_mode_entry

.no_multiboot:
	mov al, 'M'
	jmp boot_fail

; CPUID exists when software can flip EFLAGS.ID (Intel SDM 1, 3.4.3.3 "System Flags").
check_cpuid:
	pushfd
	pop eax
	mov ecx, eax
	xor eax, EFLAGS_ID
	push eax
	popfd
	pushfd
	pop eax
	push ecx
	popfd
	cmp eax, ecx
	je .fail
	ret
.fail:
	mov al, 'C'
	jmp boot_fail

; Long mode is CPUID.80000001h:EDX[29]; NX is EDX[20] (Intel SDM 2A, CPUID).
check_long_mode:
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001
	jb .fail
	mov eax, 0x80000001
	cpuid
	test edx, 1 << 29
	jz .fail
	test edx, 1 << 20
	jz .done
	mov dword [nx_high], PTE_NX_HIGH
.done:
	ret
.fail:
	mov al, 'L'
	jmp boot_fail

; Builds the tables that the kernel runs on until the memory manager takes over:
;   PML4[0] and PML4[256]: physical 0-4 GiB in 2 MiB pages, at 0 (only to get to the higher
;     half; higher_half_entry removes it) and at DIRECT_MAP_BASE (writable and executable
;     for now: the memory manager replaces it with an NX map of all memory);
;   PML4[511] -> PDPT[510]: the kernel image in 4 KiB pages with per-section permissions
;     (text RX, rodata R, data/bss RW, NX where the CPU has it) and holes at guard pages.
build_page_tables:
	mov edi, V2P(boot_tables_start)
	mov ecx, (boot_tables_end - boot_tables_start) / 4
	xor eax, eax
	rep stosd

	mov dword [V2P(boot_pml4)], V2P(boot_pdpt_low) + PTE_P + PTE_W
	mov dword [V2P(boot_pml4) + 256 * 8], V2P(boot_pdpt_low) + PTE_P + PTE_W
	mov dword [V2P(boot_pml4) + 511 * 8], V2P(boot_pdpt_high) + PTE_P + PTE_W

	; Four page directories of 2 MiB pages for 0-4 GiB.
	xor ecx, ecx
.pdpt_low:
	mov eax, ecx
	shl eax, 12
	add eax, V2P(boot_pd_low) + PTE_P + PTE_W
	mov [V2P(boot_pdpt_low) + ecx * 8], eax
	inc ecx
	cmp ecx, 4
	jb .pdpt_low
	xor ecx, ecx				; ecx: 2 MiB page number, 0..2047
.pd_low:
	mov eax, ecx
	shl eax, 21
	or eax, PTE_P + PTE_W + PTE_PS
	mov [V2P(boot_pd_low) + ecx * 8], eax
	mov eax, ecx
	shr eax, 11				; bits 32+ of the address
	mov [V2P(boot_pd_low) + ecx * 8 + 4], eax
	inc ecx
	cmp ecx, 2048
	jb .pd_low

	; The kernel window: PDPT[510] -> one directory -> BOOT_KERNEL_PTS page tables.
	mov dword [V2P(boot_pdpt_high) + 510 * 8], V2P(boot_pd_high) + PTE_P + PTE_W
	xor ecx, ecx
.pd_high:
	mov eax, ecx
	shl eax, 12
	add eax, V2P(boot_pt_kernel) + PTE_P + PTE_W
	mov [V2P(boot_pd_high) + ecx * 8], eax
	inc ecx
	cmp ecx, BOOT_KERNEL_PTS
	jb .pd_high

	; One 4 KiB page at a time from the image's start to its end; ebx = physical address.
	mov ebx, __kernel_phys_start
.page:
	call page_flags				; eax = low flags, edx = high dword
	mov ecx, ebx
	shr ecx, 12
	or eax, ebx
	mov [V2P(boot_pt_kernel) + ecx * 8], eax
	mov [V2P(boot_pt_kernel) + ecx * 8 + 4], edx
	add ebx, PAGE_SIZE
	cmp ebx, V2P(__kernel_end)
	jb .page
	ret

; page_flags: the entry bits for the kernel page at physical address ebx, in eax (low dword,
; 0 for a hole) and edx (high dword: NX or 0). Clobbers esi.
page_flags:
	mov esi, guard_pages
.guard:
	cmp esi, guard_pages_end
	je .not_guard
	cmp ebx, [esi]
	je .hole
	add esi, 4
	jmp .guard
.not_guard:
	mov edx, [nx_high]
	cmp ebx, V2P(__text_start)
	jb .read_only				; the entry stub: needed only at its physical address
	cmp ebx, V2P(__text_end)
	jb .text
	cmp ebx, V2P(__data_start)
	jb .read_only
	mov eax, PTE_P + PTE_W + PTE_G
	ret
.text:
	xor edx, edx
	mov eax, PTE_P + PTE_G
	ret
.read_only:
	mov eax, PTE_P + PTE_G
	ret
.hole:
	xor eax, eax
	xor edx, edx
	ret

; boot_fail: prints "ERR: <al>" on COM1, and on the VGA text screen when the loader says
; there is one, then halts for good.
boot_fail:
	mov bl, al
	mov dx, COM1_PORT + UART_IER		; 16550: no interrupts, 115200 8N1, FIFOs on
	mov al, 0x00
	out dx, al
	mov dx, COM1_PORT + UART_LCR
	mov al, UART_LCR_DLAB
	out dx, al
	mov dx, COM1_PORT + UART_DATA		; divisor 1, low byte
	mov al, 0x01
	out dx, al
	mov dx, COM1_PORT + UART_IER		; divisor high byte
	mov al, 0x00
	out dx, al
	mov dx, COM1_PORT + UART_LCR
	mov al, UART_LCR_8N1
	out dx, al
	mov dx, COM1_PORT + UART_FCR
	mov al, UART_FCR_ENABLE_CLEAR_14
	out dx, al
	mov esi, err_text
	mov [err_text + 5], bl
.serial:
	lodsb
	test al, al
	jz .vga
	mov ah, al
	mov dx, COM1_PORT + UART_LSR
.wait:
	in al, dx
	test al, UART_LSR_THR_EMPTY
	jz .wait
	mov dx, COM1_PORT + UART_DATA
	mov al, ah
	out dx, al
	jmp .serial
.vga:
	call find_text_screen
	test edi, edi
	jz .halt
	mov esi, err_text
.vga_char:
	lodsb
	cmp al, 13
	je .halt
	mov ah, 0x4f				; white on red
	stosw
	jmp .vga_char
.halt:
	cli
	hlt
	jmp .halt

; find_text_screen: edi = address of an EGA text screen that the Multiboot2 information
; reports (spec 3.6.12, framebuffer type 2), or 0. Trusts the information only as far as its
; own sizes go.
find_text_screen:
	xor edi, edi
	cmp dword [boot_magic], MB2_BOOT_MAGIC
	jne .none
	mov ecx, [boot_info]
	mov edx, [ecx]				; total_size
	add edx, ecx				; end of the information
	add ecx, 8
.tag:
	lea eax, [ecx + 8]
	cmp eax, edx
	ja .none
	mov eax, [ecx + 4]			; size
	cmp eax, 8
	jb .none
	cmp dword [ecx], MB2_TAG_END
	je .none
	cmp dword [ecx], MB2_TAG_FRAMEBUFFER
	jne .next
	cmp eax, 32				; the tag's fixed part
	jb .none
	lea eax, [ecx + 32]
	cmp eax, edx
	ja .none
	cmp byte [ecx + 29], MB2_FB_EGA_TEXT
	jne .none
	cmp dword [ecx + 12], 0			; below 4 GiB
	jne .none
	mov edi, [ecx + 8]
	ret
.next:
	add eax, MB2_TAG_ALIGN - 1
	and eax, ~(MB2_TAG_ALIGN - 1)
	add ecx, eax
	jmp .tag
.none:
	ret

; ------------------------------------------------------------------------------------------
bits 64
long_mode_entry:
	mov ax, SEL_KDATA
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor ax, ax
	mov fs, ax
	mov gs, ax
	mov rax, higher_half_entry
	jmp rax

; ------------------------------------------------------------------------------------------
section .boot.data progbits alloc noexec write align=16

; A GDT just for the jump to long mode; gdt.c installs the real one with the TSS.
align 16
boot_gdt:
	dq 0
	dq 0x00af9a000000ffff			; SEL_KCODE: 64-bit code, DPL 0
	dq 0x00cf92000000ffff			; SEL_KDATA: data, DPL 0
boot_gdt_end:
boot_gdt_ptr:
	dw boot_gdt_end - boot_gdt - 1
	dd boot_gdt

; Pages of the image left unmapped so that running off a stack faults at once.
align 4
guard_pages:
	dd V2P(kstack_guard)
	dd V2P(ist_df_guard)
	dd V2P(ist_nmi_guard)
	dd V2P(ist_mc_guard)
guard_pages_end:

err_text:	db "ERR: ?", 13, 10, 0
nx_high:	dd 0

boot_magic:	dd 0
boot_info:	dd 0

; ------------------------------------------------------------------------------------------
section .text
bits 64

global higher_half_entry	; named in backtraces and by gdb
higher_half_entry:
	mov rsp, kstack_top
	; The end of every backtrace: a zero frame pointer, and below kmain's return address a
	; zero one, where gdb stops unwinding instead of reading past the top of the stack.
	; Two words keep the stack 16-byte aligned at the call, as the ABI wants.
	push 0
	push 0
	xor ebp, ebp
	; The identity map was only the way here; from now on physical memory is reached
	; through the direct map.
	mov edi, [boot_magic + KERNEL_VMA]
	mov esi, [boot_info + KERNEL_VMA]
	mov qword [rel boot_pml4], 0
	mov rax, cr3
	mov cr3, rax
	call kmain
.halt:
	cli
	hlt
	jmp .halt

; ------------------------------------------------------------------------------------------
section .bss nobits alloc noexec write align=4096

global boot_pml4
boot_tables_start:
boot_pml4:		resb PAGE_SIZE
boot_pdpt_low:		resb PAGE_SIZE
boot_pd_low:		resb 4 * PAGE_SIZE
boot_pdpt_high:		resb PAGE_SIZE
boot_pd_high:		resb PAGE_SIZE
boot_pt_kernel:		resb BOOT_KERNEL_PTS * PAGE_SIZE
boot_tables_end:

; The boot kernel stack and the interrupt stacks, each above an unmapped guard page.
global kstack_guard, kstack_bottom, kstack_top
global ist_df_guard, ist_df_top, ist_nmi_guard, ist_nmi_top, ist_mc_guard, ist_mc_top
kstack_guard:		resb PAGE_SIZE
kstack_bottom:		resb KSTACK_SIZE
kstack_top:
ist_df_guard:		resb PAGE_SIZE
			resb IST_STACK_SIZE
ist_df_top:
ist_nmi_guard:		resb PAGE_SIZE
			resb IST_STACK_SIZE
ist_nmi_top:
ist_mc_guard:		resb PAGE_SIZE
			resb IST_STACK_SIZE
ist_mc_top:

section .note.GNU-stack noalloc noexec nowrite progbits
