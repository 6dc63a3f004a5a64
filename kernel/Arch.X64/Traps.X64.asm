; Trap entry: one stub per IDT vector, the common save/restore path, the
; syscall entry and the resume path that enters (or re-enters) ring 3.
; Every entry builds the same TrapFrame (Arch.X64/TrapFrame.X64.cs) on the kernel
; stack and calls C#; C# either returns (resume where the trap came from) or calls
; trap_resume with another saved frame. There is no per-process kernel stack:
; every entry from ring 3 starts at kernel_stack_top (EROS: no kernel continuations).
; Every entry from ring 3 saves the user's x87/SSE state (FXSAVE) to user_fpu_area, and every return to
; ring 3 restores it from there: the kernel's own C# code uses SSE registers freely. UserMode.Enter points
; user_fpu_area at the process's context before it resumes one (docs/process.md, the register annex).
; docs/boot.md "Traps" and "Syscall ABI".

bits 64

extern CapOSTrap
extern CapOSSyscall
extern kernel_stack_top

global trap_stub_table
global trap_resume
global syscall_entry
global user_fpu_area
global set_user_fpu_area

SYSCALL_VECTOR equ 256
USER_CS        equ 0x23
USER_SS        equ 0x1B
FRAME_CS       equ 18 * 8           ; offset of the saved CS from the frame's start (TrapFrame.Cs)
FRAME_SIZE     equ 22 * 8           ; sizeof(TrapFrame)
CONTEXT_FXSAVE equ 512              ; UserMode.FxsaveOffset: the FXSAVE area's offset in a process's context

section .text

%macro SAVE_REGISTERS 0
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
%endmacro

%macro SAVE_USER_FPU 0               ; after SAVE_REGISTERS: rax is saved, so it may be used
    test qword [rsp + FRAME_CS], 3
    jz %%kernel
    mov rax, [rel user_fpu_area]
    fxsave64 [rax]
%%kernel:
%endmacro

trap_common:
    SAVE_REGISTERS
    SAVE_USER_FPU
    cld
    mov rdi, rsp
    call CapOSTrap
    jmp restore_and_return

; void trap_resume(TrapFrame* frame): continue from a saved frame; never returns.
trap_resume:
    mov rsp, rdi
restore_and_return:
    test qword [rsp + FRAME_CS], 3
    jz restore_registers
restore_user:
    mov rax, [rel user_fpu_area]
    fxrstor64 [rax]
restore_registers:
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    pop rax
    add rsp, 16                     ; vector, error code
    iretq

; void set_user_fpu_area(void* area): the 16-byte-aligned FXSAVE area of the process about to run.
set_user_fpu_area:
    mov [rel user_fpu_area], rdi
    ret

; syscall: rcx = user rip, r11 = user rflags; interrupts masked by IA32_FMASK.
; The frame is built in the invoking process's context (ProcessEntry.Context: the TrapFrame at offset 0, the
; FXSAVE area at CONTEXT_FXSAVE), not on the kernel stack: the invocation path reads and writes the saved
; registers where they live, with no copy (docs/invocation.md "Fast path"). The handler then runs on the
; kernel stack; when it returns (a reply), the frame is popped from the context.
syscall_entry:
    mov [rel syscall_user_rsp], rsp
    mov rsp, [rel user_fpu_area]
    sub rsp, CONTEXT_FXSAVE - FRAME_SIZE
    push USER_SS
    push qword [rel syscall_user_rsp]
    push r11
    push USER_CS
    push rcx
    push 0
    push SYSCALL_VECTOR
    SAVE_REGISTERS
    mov rax, [rel user_fpu_area]    ; SAVE_USER_FPU without its test: a syscall always comes from ring 3
    fxsave64 [rax]
    cld
    mov rbx, rsp
    mov rsp, kernel_stack_top
    mov rdi, rbx
    call CapOSSyscall
    mov rsp, rbx
    jmp restore_user                ; a return from CapOSSyscall is a reply to the invoker, in ring 3

; One stub per vector: push a zero where the CPU pushes no error code, push the
; vector, join the common path. Vectors with an error code: 8, 10-14, 17, 21, 29, 30.
%assign vector 0
%rep 256
align 16
trap_stub_%+vector:
%if vector != 8 && (vector < 10 || vector > 14) && vector != 17 && vector != 21 && vector != 29 && vector != 30
    push 0
%endif
    push vector
    jmp trap_common
%assign vector vector + 1
%endrep

section .data
align 8
; Where the user's FXSAVE image goes on entry and comes from on return to ring 3 (16-byte aligned).
user_fpu_area: dq initial_fpu_area

section .bss
alignb 16
initial_fpu_area: resb 512

section .rodata
align 8
trap_stub_table:
%assign vector 0
%rep 256
    dq trap_stub_%+vector
%assign vector vector + 1
%endrep

section .bss
align 8
syscall_user_rsp:
    resq 1
