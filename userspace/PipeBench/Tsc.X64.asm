; The pipe benchmark's clock and buffer (Program.cs). Ring 3 may read the TSC (CR4.TSD clear).

bits 64

section .bss
align 4096
chunk:
    resb 65536                      ; PipeProtocol.MaxTransfer: one write's string or one read's receive buffer

section .text
global pipebench_tsc
global pipebench_buffer

; ulong pipebench_tsc(void): the TSC (ticks since reset), after the instructions before it.
pipebench_tsc:
    lfence
    rdtsc
    shl rdx, 32
    or rax, rdx
    ret

; byte* pipebench_buffer(void)
pipebench_buffer:
    lea rax, [rel chunk]
    ret
