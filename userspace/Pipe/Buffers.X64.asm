; The pipe server's buffers (Program.cs; docs/services.md "Pipe"): zero pages of its own space, so they are in
; the store like the rest of the process (imagegen: P/page@..., no log space until written).

bits 64

%define BUFFER_BYTES 65536          ; PipeProtocol.Capacity = PipeProtocol.MaxTransfer
%define RING_BYTES 131072           ; Ring.RingBytes: twice the capacity (Ring.cs R2)

section .bss
align 4096
ring:
    resb RING_BYTES                 ; the bounded buffer: at most BUFFER_BYTES of it hold bytes
receive:
    resb BUFFER_BYTES               ; where each message's string arrives
pending:
    resb BUFFER_BYTES               ; the part of a parked write that did not fit

section .text
global pipe_ring
global pipe_receive
global pipe_pending
global pipe_copy

pipe_ring:
    lea rax, [rel ring]
    ret

pipe_receive:
    lea rax, [rel receive]
    ret

pipe_pending:
    lea rax, [rel pending]
    ret


; void pipe_copy(byte* source = rdi, byte* destination = rsi, ulong length = rdx): the ring's copies (Ring.cs), by
; `rep movsq` and `rep movsb` for the last 0..7 bytes; the runs never overlap (different buffers).
pipe_copy:
    cld
    mov rcx, rdx
    shr rcx, 3
    xchg rdi, rsi                   ; movs copies [rsi] to [rdi]
    rep movsq
    mov rcx, rdx
    and rcx, 7
    rep movsb
    ret
