; The measured loops of the IPC benchmark (Program.cs; docs/bench.md "IPC"), in assembly so that between a
; pair of TSC reads lies nothing but the invocations and a loop of a few instructions: the invocation
; registers that the kernel preserves (r12..r15, rbx: docs/boot.md "Syscall ABI") are set once; the
; invoked register word (rdi), the order (rax) and the string address (r9), which the reply overwrites, are
; reloaded before each `syscall`. Ring 3 may read the TSC (CR4.TSD clear).

bits 64

%define STAMP_SAMPLES 2048          ; Program.StampSamples
%define PAGE_BYTES 4096
%define REGION_PAGES 2048           ; Program.RegionPages

section .bss
align PAGE_BYTES
stamps:
    resq 2 * STAMP_SAMPLES          ; the CALL halves, then the RETURN halves
ticks:
    resq REGION_PAGES               ; one fault pass's ticks per page

; Zero pages of the process at 512 GiB (ipcbench.ld): the only pages under their top-level entry.
section .region nobits alloc write align=PAGE_BYTES
region:
    resb REGION_PAGES * PAGE_BYTES

section .text
global ipcbench_stamps
global ipcbench_ticks
global ipcbench_region
global ipcbench_touch
global ipcbench_invoke_batch
global ipcbench_stamp_calls

; ulong* ipcbench_stamps(void): 2 * STAMP_SAMPLES quadwords for ipcbench_stamp_calls.
ipcbench_stamps:
    lea rax, [rel stamps]
    ret

; ulong* ipcbench_ticks(void): REGION_PAGES quadwords.
ipcbench_ticks:
    lea rax, [rel ticks]
    ret

; byte* ipcbench_region(void): the region's first byte (REGION_PAGES zero pages).
ipcbench_region:
    mov rax, region                 ; 512 GiB: beyond a rip-relative reach of the code
    ret

; ulong ipcbench_touch(byte* address /*rdi*/): reads one byte; returns the TSC ticks around the read
; (lfence; rdtsc; read; lfence; rdtsc): a fault's whole cost when the read faults.
ipcbench_touch:
    lfence
    rdtsc
    shl rdx, 32
    or rax, rdx
    mov rsi, rax
    mov cl, [rdi]
    lfence
    rdtsc
    shl rdx, 32
    or rax, rdx
    sub rax, rsi
    ret

; Frame of both loops, below the six saved registers: [rsp] register word, [rsp+8] order, [rsp+16] the OR
; of every result code, [rsp+24] the TSC before the invocation(s), [rsp+32] the string address.
%macro ENTER_LOOP 0
    push rbx
    push rbp
    push r12
    push r13
    push r14
    push r15
    sub rsp, 48
    mov [rsp], rdi
    mov [rsp + 8], rsi
    mov qword [rsp + 16], 0
%endmacro

%macro LEAVE_LOOP 0
    add rsp, 48
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbp
    pop rbx
%endmacro

; ulong ipcbench_invoke_batch(ulong registerWord /*rdi*/, ulong order /*rsi*/, ulong calls /*rdx*/,
;     byte* buffer /*rcx*/, ulong length /*r8*/, ulong* results /*r9*/)
; Invokes the key `calls` times: no keys sent or received; `length` bytes of `buffer` sent and up to `length`
; received into it (0: no string). *results = the OR of every result code (0: all Ok). Returns the TSC ticks
; from before the first invocation to after the last (lfence; rdtsc at both ends).
ipcbench_invoke_batch:
    push r9                         ; results, below the frame
    ENTER_LOOP
    mov rbp, rdx
    mov [rsp + 32], rcx
    mov r12, r8
    xor r13, r13
    xor r14, r14
    mov r15, rcx
    mov rbx, r8
    lfence
    rdtsc
    shl rdx, 32
    or rax, rdx
    mov [rsp + 24], rax
.next:
    mov rdi, [rsp]
    mov rax, [rsp + 8]
    mov r9, [rsp + 32]
    syscall
    or [rsp + 16], rax
    dec rbp
    jnz .next
    lfence
    rdtsc
    shl rdx, 32
    or rax, rdx
    sub rax, [rsp + 24]
    mov rcx, [rsp + 16]
    LEAVE_LOOP
    pop r9
    mov [r9], rcx
    ret

; ulong ipcbench_stamp_calls(ulong registerWord /*rdi*/, ulong order /*rsi*/, ulong calls /*rdx*/,
;     ulong* callTicks /*rcx*/, ulong* returnTicks /*r8*/, ulong* results /*r9*/)
; CALLs the key `calls` times with no keys and no string; the reply's W0 is the TSC the receiver read when it
; ran with the message (the echo server's Stamp order). callTicks[i] = that stamp minus the TSC before the
; invocation; returnTicks[i] = the TSC after the reply minus the stamp. *results as above. Returns 0.
ipcbench_stamp_calls:
    push r9
    ENTER_LOOP
    mov rbp, rdx
    xor r12, r12
    xor r13, r13
    xor r14, r14
    xor r15, r15
    xor rbx, rbx
    mov r10, rcx
    push r8                         ; [rsp] callTicks, [rsp+8] returnTicks: the frame moves up by 16
    push r10
.next:
    lfence
    rdtsc
    shl rdx, 32
    or rax, rdx
    mov [rsp + 16 + 24], rax
    mov rdi, [rsp + 16]
    mov rax, [rsp + 16 + 8]
    syscall
    or [rsp + 16 + 16], rax
    lfence
    rdtsc
    shl rdx, 32
    or rax, rdx
    sub rax, rsi                    ; after the reply - the stamp
    mov rcx, [rsp + 8]
    mov [rcx], rax
    mov rax, rsi
    sub rax, [rsp + 16 + 24]        ; the stamp - before the call
    mov rcx, [rsp]
    mov [rcx], rax
    add qword [rsp], 8
    add qword [rsp + 8], 8
    dec rbp
    jnz .next
    add rsp, 16
    mov rcx, [rsp + 16]
    LEAVE_LOOP
    pop r9
    mov [r9], rcx
    xor eax, eax
    ret
