; Deliberate faults of the fuzzer (docs/fuzz.md "Faults"), and the program's entry for the keeper's restart.
; Each fault stub never returns: the process keeper (KeeperRole.cs) restarts the faulting fuzzer at _start
; with a fresh stack, and the fuzzer's state (in its data pages) carries on.

bits 64
section .text
extern _start
global fuzz_entry
global fuzz_fault_read
global fuzz_fault_write_code
global fuzz_fault_ud2
global fuzz_fault_divide
global fuzz_fault_jump

; ulong fuzz_entry(void): the address of _start.
fuzz_entry:
    lea rax, [rel _start]
    ret

; void fuzz_fault_read(ulong address /*rdi*/): reads a byte at an address the space does not map.
fuzz_fault_read:
    mov al, [rdi]
    ud2

; void fuzz_fault_write_code(void): writes to its own (read-only) code.
fuzz_fault_write_code:
    lea rax, [rel fuzz_entry]
    mov byte [rax], 0xCC
    ud2

; void fuzz_fault_ud2(void): an invalid opcode.
fuzz_fault_ud2:
    ud2

; void fuzz_fault_divide(void): a divide error.
fuzz_fault_divide:
    xor edx, edx
    xor eax, eax
    xor ecx, ecx
    div rcx
    ud2

; void fuzz_fault_jump(ulong address /*rdi*/): jumps to an address the space does not map.
fuzz_fault_jump:
    jmp rdi

global fuzz_buffers
global fuzz_state

; byte* fuzz_buffers(void): the send buffer (8 KiB), then the receive buffer (8 KiB).
fuzz_buffers:
    lea rax, [rel buffers]
    ret

; ulong* fuzz_state(void): the role's state (FuzzState.Words quadwords), in the data pages: a restart keeps it.
fuzz_state:
    lea rax, [rel state]
    ret

section .bss
align 4096
buffers:
    resb 16384
state:
    resq 64
