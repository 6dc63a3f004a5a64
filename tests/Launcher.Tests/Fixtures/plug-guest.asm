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
    call putc
    jmp .field
.newline:
    mov al, 10
    call putc
    jmp .field
.last:
    mov al, 10
    call putc
.spin:
    cli
    jmp .spin

; Writes al to COM1 once the transmitter holding register is empty (LSR bit 5): a byte written while the
; UART is still sending is lost, and QEMU sends slower than a spinning guest writes when its socket backs up.
putc:
    push eax
    mov dx, COM1 + 5
.wait:
    in al, dx
    test al, 0x20
    jz .wait
    pop eax
    mov dx, COM1
    out dx, al
    ret

image_end:
