namespace CapOS.Kernel.NodeTree;

/// <summary>
/// A persistent object id: 64 bits naming one page or one node for the life of
/// the volume (docs/keys.md, docs/disk-format.md "Definitions").
/// </summary>
/// <remarks>
/// A struct rather than a bare <c>ulong</c> so that OIDs cannot be mixed up with
/// the other 64-bit numbers of the store (disk page numbers, LIDs, sequence
/// numbers) without an explicit <see cref="Value"/>. It is exactly 8 bytes and
/// unmanaged, so it sits directly in on-disk structures.
/// Standalone: depends on nothing, so imagegen can link it beside kernel/DiskFormat.
/// I1: OID 0 (<see cref="Null"/>) is never allocated; a key or directory entry
/// naming it is malformed.
/// </remarks>
#pragma warning disable CS0660, CS0661 // Equality is by value through the operators; no boxing Equals in the kernel.
public readonly struct Oid
{
    /// <summary>The raw 64-bit id.</summary>
    public readonly ulong Value;

    public Oid(ulong value) => Value = value;

    /// <summary>The null OID (0), never allocated (I1).</summary>
    public static Oid Null => default;

    public bool IsNull => Value == 0;

    /// <summary>The OID <paramref name="delta"/> places after this one (objects of a range are numbered densely).</summary>
    public Oid Add(ulong delta) => new(Value + delta);

    public static bool operator ==(Oid left, Oid right) => left.Value == right.Value;

    public static bool operator !=(Oid left, Oid right) => left.Value != right.Value;
}
#pragma warning restore CS0660, CS0661
