; The metal half of SpaceCopy's byte copy (kernel/Invocation/SpaceCopy.cs, Arch.X64/SpaceCopy.X64.cs): one run of
; a page, through the direct map, by `rep movsq` and a `rep movsb` for the last 0..7 bytes. Runs never overlap
; (a sender's page and a receiver's page are different frames, or the same bytes copied onto themselves).

bits 64

section .text
global space_copy_bytes

; void space_copy_bytes(byte* source = rdi, byte* destination = rsi, ulong length = rdx)
space_copy_bytes:
    cld                             ; forward (syscall's FMASK clears DF already; an interrupt path may not)
    mov rcx, rdx
    shr rcx, 3
    xchg rdi, rsi                   ; movs copies [rsi] to [rdi]
    rep movsq
    mov rcx, rdx
    and rcx, 7
    rep movsb
    ret
