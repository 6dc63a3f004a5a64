; A tiny Multiboot1 guest for the harness tests (tests/Launcher.Tests/Harness). It prints to COM1 and
; then does what its command line asks:
;   exit=<digit>  write that value to the isa-debug-exit port (QEMU status (v<<1)|1)
;   hang          spin with interrupts off (for timeouts, QMP and kill)
;   reset         triple fault (with -no-reboot QEMU ends with status 0)
;   partial       print "partial" with no line end, then exit 0
; otherwise exit 0. Flat binary, loaded at 1 MiB through the a.out kludge (header flag bit 16).
bits 32
org 0x100000

MB_MAGIC equ 0x1BADB002
MB_FLAGS equ 0x00010000
COM1 equ 0x3f8
DEBUG_EXIT equ 0xf4

header:
    dd MB_MAGIC
    dd MB_FLAGS
    dd -(MB_MAGIC + MB_FLAGS)
    dd header                   ; header_addr
    dd header                   ; load_addr
    dd image_end                ; load_end_addr
    dd image_end + 4096         ; bss_end_addr: the stack
    dd start                    ; entry_addr

start:
    mov esp, image_end + 4096
    mov esi, hello
    call puts
    mov edi, empty
    test dword [ebx], 4         ; multiboot info flags: cmdline present?
    jz .have_cmdline
    mov edi, [ebx + 16]
.have_cmdline:
    mov esi, cmdline_open
    call puts
    mov esi, edi
    call puts
    mov esi, cmdline_close
    call puts

    mov esi, word_hang
    call find
    jnz .hang
    mov esi, word_reset
    call find
    jnz .reset
    mov esi, word_partial
    call find
    jnz .partial
    mov esi, word_exit
    call find
    jz .exit_zero
    movzx eax, byte [eax]       ; the digit after "exit="
    sub eax, '0'
    jmp exit

.exit_zero:
    xor eax, eax
    jmp exit
.partial:
    mov esi, partial
    call puts
    xor eax, eax
    jmp exit
.hang:
    mov esi, hanging
    call puts
    cli
.spin:
    jmp .spin
.reset:
    lidt [null_idt]
    int3

; exit with the value in eax
exit:
    mov dx, DEBUG_EXIT
    out dx, eax
    cli
.stop:
    hlt
    jmp .stop

; puts: write the NUL-terminated string at esi to COM1
puts:
    push eax
    push edx
    mov dx, COM1
.next:
    lodsb
    test al, al
    jz .done
    out dx, al
    jmp .next
.done:
    pop edx
    pop eax
    ret

; find: look for the NUL-terminated word at esi inside the command line at edi.
; ZF clear and eax = address just after the match if found; ZF set if not.
find:
    push ebx
    push ecx
    mov ebx, edi
.candidate:
    cmp byte [ebx], 0
    je .missing
    xor ecx, ecx
.compare:
    mov al, [esi + ecx]
    test al, al
    jz .found
    cmp al, [ebx + ecx]
    jne .advance
    inc ecx
    jmp .compare
.advance:
    inc ebx
    jmp .candidate
.found:
    lea eax, [ebx + ecx]
    or ecx, 1                   ; clear ZF
    jmp .out
.missing:
    xor eax, eax                ; set ZF
.out:
    pop ecx
    pop ebx
    ret

null_idt:
    dw 0
    dd 0

hello:          db "fixture: hello", 13, 10, 0
cmdline_open:   db 'fixture: cmdline="', 0
cmdline_close:  db '"', 10, 0
hanging:        db "fixture: hanging", 10, 0
partial:        db "partial", 0
empty:          db 0
word_hang:      db "hang", 0
word_reset:     db "reset", 0
word_partial:   db "partial", 0
word_exit:      db "exit=", 0

align 4
image_end:
