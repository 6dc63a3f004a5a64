using System.Runtime.InteropServices;

namespace CapOS.Kernel.NodeTree;

/// <summary>
/// A link in the ring of prepared keys that designate one cached object (EROS
/// "keyring"; docs/keys.md "Prepared form").
/// </summary>
/// <remarks>
/// Every prepared key holds a KeyRing in its bytes 0..7, and every object header
/// in the cache holds one as the ring head, so the ring is homogeneous: links are
/// <see cref="KernelReference"/> values that point at a KeyRing (the start of a
/// key, or the head inside the header). A walk starts at the head and stops when
/// it comes back to it. The cache (ObjectCache) links and unlinks; nothing else does.
/// I1 (checked by the cache's ring check): for every link L, Prev(Next(L)) == L.
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = 8)]
public struct KeyRing
{
    /// <summary>Reference of the next link on the ring.</summary>
    [FieldOffset(0)]
    public uint Next;

    /// <summary>Reference of the previous link on the ring.</summary>
    [FieldOffset(4)]
    public uint Prev;
}
