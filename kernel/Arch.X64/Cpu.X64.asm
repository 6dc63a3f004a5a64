; Single-instruction helpers C# reaches through [RuntimeImport] (Arch.X64/Cpu.X64.cs).
; System V calling convention: rdi, rsi, rdx in; rax out.

bits 64
section .text

global cpu_outb, cpu_inb, cpu_outw, cpu_inw, cpu_outd, cpu_ind
global cpu_rdmsr, cpu_wrmsr, cpu_rdtsc
global cpu_read_cr0, cpu_read_cr2, cpu_read_cr3, cpu_read_cr4, cpu_write_cr3
global cpu_lgdt, cpu_lidt, cpu_ltr, cpu_reload_segments
global cpu_enable_interrupts, cpu_disable_interrupts, cpu_halt, cpu_wait_for_interrupt
global cpu_invlpg, cpu_pause
global cpu_trap_stub_table, cpu_syscall_entry, cpu_kernel_stack_top, cpu_double_fault_stack_top

extern trap_stub_table, syscall_entry, kernel_stack_top, double_fault_stack_top

cpu_outb:
    mov edx, edi
    mov eax, esi
    out dx, al
    ret
cpu_inb:
    mov edx, edi
    xor eax, eax
    in al, dx
    ret
cpu_outw:
    mov edx, edi
    mov eax, esi
    out dx, ax
    ret
cpu_inw:
    mov edx, edi
    xor eax, eax
    in ax, dx
    ret
cpu_outd:
    mov edx, edi
    mov eax, esi
    out dx, eax
    ret
cpu_ind:
    mov edx, edi
    in eax, dx
    ret
cpu_rdmsr:
    mov ecx, edi
    rdmsr
    shl rdx, 32
    or rax, rdx
    ret
cpu_wrmsr:
    mov ecx, edi
    mov rax, rsi
    mov rdx, rsi
    shr rdx, 32
    wrmsr
    ret
cpu_rdtsc:
    rdtsc
    shl rdx, 32
    or rax, rdx
    ret
cpu_read_cr0:
    mov rax, cr0
    ret
cpu_read_cr2:
    mov rax, cr2
    ret
cpu_read_cr3:
    mov rax, cr3
    ret
cpu_read_cr4:
    mov rax, cr4
    ret
cpu_write_cr3:
    mov cr3, rdi
    ret
cpu_lgdt:
    lgdt [rdi]
    ret
cpu_lidt:
    lidt [rdi]
    ret
cpu_ltr:
    ltr di
    ret
; Reload CS with selector rdi and the data segments with rsi.
cpu_reload_segments:
    mov ds, si
    mov es, si
    mov ss, si
    xor eax, eax
    mov fs, ax
    mov gs, ax
    pop rax                         ; return address
    push rdi
    push rax
    retfq
cpu_enable_interrupts:
    sti
    ret
cpu_disable_interrupts:
    cli
    ret
cpu_halt:
    cli
.again:
    hlt
    jmp .again
; Enable interrupts, wait for one, and return with interrupts masked again.
cpu_wait_for_interrupt:
    sti
    hlt
    cli
    ret
cpu_invlpg:
    invlpg [rdi]
    ret
cpu_pause:
    pause
    ret
cpu_trap_stub_table:
    lea rax, [rel trap_stub_table]
    ret
cpu_syscall_entry:
    lea rax, [rel syscall_entry]
    ret
cpu_kernel_stack_top:
    mov rax, kernel_stack_top
    ret
cpu_double_fault_stack_top:
    mov rax, double_fault_stack_top
    ret

global cpu_image_start_phys, cpu_image_end_phys
extern image_start_phys, image_end_phys
cpu_image_start_phys:
    mov eax, image_start_phys
    ret
cpu_image_end_phys:
    mov eax, image_end_phys
    ret
