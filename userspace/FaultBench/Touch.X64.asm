; The measured loops of the page-fault benchmark (Program.cs; docs/bench.md "Faults"), in assembly so that
; nothing but one access per page lies between the two TSC reads. Ring 3 may read the TSC (CR4.TSD clear).

bits 64

%define PAGE_BYTES 4096
%define REGION_PAGES 2048           ; Program.RegionPages

section .bss
align PAGE_BYTES
region:
    resb REGION_PAGES * PAGE_BYTES  ; zero pages of the process (imagegen: P/page@..., no log space)

section .text
global faultbench_region
global faultbench_tsc
global faultbench_read_pages
global faultbench_write_pages

; byte* faultbench_region(void): the region's first byte.
faultbench_region:
    lea rax, [rel region]
    ret

; ulong faultbench_tsc(void): the TSC (ticks since reset).
faultbench_tsc:
    lfence
    rdtsc
    shl rdx, 32
    or rax, rdx
    ret

; ulong faultbench_read_pages(byte* base /*rdi*/, ulong pages /*rsi*/): TSC ticks to read one byte of each page.
faultbench_read_pages:
    lfence
    rdtsc
    shl rdx, 32
    or rax, rdx
    mov r8, rax
.next:
    mov cl, [rdi]
    add rdi, PAGE_BYTES
    dec rsi
    jnz .next
    lfence
    rdtsc
    shl rdx, 32
    or rax, rdx
    sub rax, r8
    ret

; ulong faultbench_write_pages(byte* base /*rdi*/, ulong pages /*rsi*/): TSC ticks to write one byte of each page.
faultbench_write_pages:
    lfence
    rdtsc
    shl rdx, 32
    or rax, rdx
    mov r8, rax
.next:
    mov byte [rdi], 1
    add rdi, PAGE_BYTES
    dec rsi
    jnz .next
    lfence
    rdtsc
    shl rdx, 32
    or rax, rdx
    sub rax, r8
    ret
