namespace CapOS.Kernel.Boot;

/// <summary>What a physical memory region may be used for.</summary>
public enum MemoryKind : byte
{
    Reserved = 0,
    Usable = 1,
}

/// <summary>One region of the memory map.</summary>
public struct MemoryRegion
{
    public ulong Base;
    public ulong Length;
    public MemoryKind Kind;

    public readonly ulong End => Base + Length;
}
