; User-program start code and the key-invocation stub. Assembled into every user
; program (see userspace/*/CapOS.*.csproj). docs/boot.md "Syscall ABI".

bits 64
section .text

extern UserMain
extern CapOSUserExit
global _start
global capos_invoke
global capos_tsc

; The kernel enters here with rsp = top of the stack (16-byte aligned).
_start:
    xor ebp, ebp
    call UserMain
    call CapOSUserExit
    ud2

; ulong capos_invoke(InvocationMessage* message /*rdi*/, InvocationResponse* reply /*rsi*/)
; Message layout: 12 quadwords (key register, order, w0..w3, string address, string
; length, send keys, receive keys, receive address, receive capacity).
; Reply layout: 7 quadwords (result, w0..w3, string length, key info).
capos_invoke:
    push rbx
    push rbp
    push r12
    push r13
    push r14
    push r15
    mov rbp, rsi
    mov r11, rdi
    mov rdi, [r11 + 0]
    mov rax, [r11 + 8]
    mov rsi, [r11 + 16]
    mov rdx, [r11 + 24]
    mov r10, [r11 + 32]
    mov r8,  [r11 + 40]
    mov r9,  [r11 + 48]
    mov r12, [r11 + 56]
    mov r13, [r11 + 64]
    mov r14, [r11 + 72]
    mov r15, [r11 + 80]
    mov rbx, [r11 + 88]
    syscall
    mov [rbp + 0], rax
    mov [rbp + 8], rsi
    mov [rbp + 16], rdx
    mov [rbp + 24], r10
    mov [rbp + 32], r8
    mov [rbp + 40], r9
    mov [rbp + 48], rdi
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbp
    pop rbx
    ret

; ulong capos_tsc(void): the TSC once every earlier instruction has completed (Tsc.Read).
capos_tsc:
    lfence
    rdtsc
    shl rdx, 32
    or rax, rdx
    ret

section .data
global __security_cookie
align 8
__security_cookie:
    dq 0x2B992DDFA232
