using System.Runtime.InteropServices;
using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.DiskFormat;

/// <summary>
/// One entry of the volume's range table: a contiguous run of disk pages and,
/// for object ranges, the OID interval whose home locations it holds
/// (docs/disk-format.md "Ranges"). 40 bytes.
/// </summary>
/// <remarks>
/// I1: FirstPage >= 2 and FirstPage + PageCount <= the volume's page count.
/// I2: no two ranges share a disk page; no two object ranges share an OID.
/// I3: an object range has FirstOid != 0 and 0 < OidCount <= its capacity
/// (VolumeLayout.Capacity); a log range has FirstOid = OidCount = 0.
/// Checked by VolumeHeader.Validate. Written by imagegen only.
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct RangeDescriptor
{
    public const int Size = 40;

    /// <summary>What the range holds.</summary>
    [FieldOffset(0)]
    public RangeKind Kind;

    /// <summary>Zero.</summary>
    [FieldOffset(4)]
    public uint Reserved;

    /// <summary>First disk page of the range.</summary>
    [FieldOffset(8)]
    public ulong FirstPage;

    /// <summary>Disk pages in the range.</summary>
    [FieldOffset(16)]
    public ulong PageCount;

    /// <summary>First OID homed here (object ranges).</summary>
    [FieldOffset(24)]
    public Oid FirstOid;

    /// <summary>OIDs homed here, numbered densely from FirstOid (object ranges).</summary>
    [FieldOffset(32)]
    public ulong OidCount;

    /// <summary>True when <paramref name="oid"/> lies in [FirstOid, FirstOid + OidCount).</summary>
    public readonly bool Contains(Oid oid) => oid.Value >= FirstOid.Value && oid.Value - FirstOid.Value < OidCount;
}
