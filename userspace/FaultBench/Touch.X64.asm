; The measured loops of the page-fault benchmark (Program.cs; docs/bench.md "Faults"), in assembly so that
; nothing but one access per page lies between a pair of TSC reads. Ring 3 may read the TSC (CR4.TSD clear).

bits 64

%define PAGE_BYTES 4096
%define REGION_PAGES 2048           ; Program.RegionPages

section .bss
align PAGE_BYTES
region:
    resb REGION_PAGES * PAGE_BYTES  ; zero pages of the process (imagegen: P/page@..., no log space)
ticks:
    resq REGION_PAGES               ; one pass's ticks per page (Program.cs touches it before measuring)

section .text
global faultbench_region
global faultbench_ticks
global faultbench_read_pages
global faultbench_write_pages

; byte* faultbench_region(void): the region's first byte.
faultbench_region:
    lea rax, [rel region]
    ret

; ulong* faultbench_ticks(void): the per-page ticks array (REGION_PAGES quadwords).
faultbench_ticks:
    lea rax, [rel ticks]
    ret

; ulong faultbench_read_pages(byte* base /*rdi*/, ulong pages /*rsi*/, ulong* ticks /*rdx*/): reads one byte
; of each page; ticks[i] = TSC ticks around page i's read (lfence; rdtsc; read; lfence; rdtsc). Returns the sum.
faultbench_read_pages:
    mov r10, rdx
    xor r11, r11
.next:
    lfence
    rdtsc
    shl rdx, 32
    or rax, rdx
    mov r8, rax
    mov cl, [rdi]
    lfence
    rdtsc
    shl rdx, 32
    or rax, rdx
    sub rax, r8
    mov [r10], rax
    add r11, rax
    add r10, 8
    add rdi, PAGE_BYTES
    dec rsi
    jnz .next
    mov rax, r11
    ret

; ulong faultbench_write_pages(byte* base /*rdi*/, ulong pages /*rsi*/, ulong* ticks /*rdx*/): as
; faultbench_read_pages, writing one byte of each page.
faultbench_write_pages:
    mov r10, rdx
    xor r11, r11
.next:
    lfence
    rdtsc
    shl rdx, 32
    or rax, rdx
    mov r8, rax
    mov byte [rdi], 1
    lfence
    rdtsc
    shl rdx, 32
    or rax, rdx
    sub rax, r8
    mov [r10], rax
    add r11, rax
    add r10, 8
    add rdi, PAGE_BYTES
    dec rsi
    jnz .next
    mov rax, r11
    ret
