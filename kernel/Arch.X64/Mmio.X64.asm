; Device-register and shared-ring accesses for the drivers (Arch.X64/Mmio.X64.cs).
; Each access is one real load or store of the given width; being an opaque call,
; it is also a compiler barrier, so the C# around it is never reordered across it.
; x86 keeps stores in order and loads in order (TSO), which is all a virtqueue needs
; between the ring in RAM and the notify register.
; System V calling convention: rdi = address, rsi = value; rax out.

bits 64
section .text

global mmio_read8, mmio_read16, mmio_read32, mmio_write8, mmio_write16, mmio_write32

mmio_read8:
    movzx eax, byte [rdi]
    ret
mmio_read16:
    movzx eax, word [rdi]
    ret
mmio_read32:
    mov eax, dword [rdi]
    ret
mmio_write8:
    mov byte [rdi], sil
    ret
mmio_write16:
    mov word [rdi], si
    ret
mmio_write32:
    mov dword [rdi], esi
    ret
