; The pipe client's transfer buffer (Program.cs): one Write's string or one Read's receive buffer.

bits 64

section .bss
align 4096
transfer:
    resb 65536                      ; PipeProtocol.MaxTransfer

section .text
global demo_buffer

demo_buffer:
    lea rax, [rel transfer]
    ret
