namespace CapOS.ImageGen.Description;

/// <summary>One PT_LOAD program header of a user program (ELF64 Phdr fields; p_flags bit 0 X, bit 1 W, bit 2 R).</summary>
/// <param name="Index">Its position in the program header table (for messages).</param>
internal readonly record struct ElfSegment(int Index, uint Flags, ulong FileOffset, ulong VirtualAddress, ulong FileSize, ulong MemorySize)
{
    /// <summary>The first address after the segment.</summary>
    public ulong End => VirtualAddress + MemorySize;

    public bool Executable => (Flags & 1) != 0;

    public bool Writable => (Flags & 2) != 0;

    /// <summary>[first, end) and the R/W/X flags, as readelf prints them.</summary>
    public override string ToString() =>
        $"[0x{VirtualAddress:x}, 0x{End:x}) {((Flags & 4) != 0 ? "R" : "")}{(Writable ? "W" : "")}{(Executable ? "X" : "")}";
}
