; A stand-in guest for the power-loss campaign's end-to-end tests (tests/Launcher.Tests/Plug): it prints
; the command line's '|'-separated fields after the first '|' as serial lines (so a test scripts the
; checkpoint's serial contract, docs/plug.md), then spins with interrupts off until it is killed. It does
; no disk I/O. Flat Multiboot1 binary, loaded at 1 MiB through the a.out kludge, like fixture.asm.
bits 32
org 0x100000

MB_MAGIC equ 0x1BADB002
MB_FLAGS equ 0x00010000
COM1 equ 0x3f8

header:
    dd MB_MAGIC
    dd MB_FLAGS
    dd -(MB_MAGIC + MB_FLAGS)
    dd header
    dd header
    dd image_end
    dd image_end + 4096
    dd start

start:
    mov esp, image_end + 4096
    mov dx, COM1
    test dword [ebx], 4         ; multiboot info flags: cmdline present?
    jz .spin
    mov esi, [ebx + 16]
.skip:                          ; everything up to the first '|' is the kernel path and other words
    lodsb
    test al, al
    jz .spin
    cmp al, '|'
    jne .skip
.field:
    lodsb
    test al, al
    jz .last
    cmp al, '|'
    je .newline
    out dx, al
    jmp .field
.newline:
    mov al, 10
    out dx, al
    jmp .field
.last:
    mov al, 10
    out dx, al
.spin:
    cli
    jmp .spin

image_end:
