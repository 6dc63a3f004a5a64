; The metal half of SpaceCopy's byte copy (kernel/Invocation/SpaceCopy.cs, Arch.X64/SpaceCopy.X64.cs): one run of
; a page, through the direct map, by `rep movsq` and a `rep movsb` for the last 0..7 bytes. Runs never overlap
; (a sender's page and a receiver's page are different frames, or the same bytes copied onto themselves).

bits 64

section .text
global space_copy_bytes
global space_translate

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

; ulong space_translate(ulong root = rdi, ulong address = rsi, ulong write = rdx): the physical address `address`
; maps to in the 4-level tables at physical `root` (read through the direct map), or -1 when the address is not in
; the user half, or a level is not present and user (for a write: writable), or names a large page. The same answer
; as AddressSpace.TranslateUser, in a quarter of its instructions (SpaceCopy probes every page of every string).
space_translate:
    mov rax, 0x0000800000000000     ; Paging.UserLimit
    cmp rsi, rax
    jae .fail
    mov r8d, 5                      ; Present | User
    test rdx, rdx
    jz .walk
    or r8d, 2                       ; | Writable
.walk:
    mov r9, 0xFFFF800000000000      ; Paging.DirectMapBase
    mov r10, 0x000FFFFFFFFFF000     ; Paging.AddressMask
    mov ecx, 39
.level:
    mov rax, rsi
    shr rax, cl
    and eax, 0x1FF
    add rdi, r9
    mov rax, [rdi + rax * 8]
    mov r11, rax
    and r11, r8
    cmp r11, r8
    jne .fail
    cmp ecx, 12
    je .leaf
    test al, 0x80                   ; Paging.Large: user mappings are 4 KiB pages only
    jnz .fail
    mov rdi, rax
    and rdi, r10
    sub ecx, 9
    jmp .level
.leaf:
    and rax, r10
    and esi, 0xFFF
    or rax, rsi
    ret
.fail:
    mov rax, -1
    ret
