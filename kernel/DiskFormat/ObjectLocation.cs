using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.DiskFormat;

/// <summary>Where an object's home location is: the answer of <see cref="VolumeLayout.Locate"/>.</summary>
public struct ObjectLocation
{
    /// <summary>Index of the range in the range table.</summary>
    public int RangeIndex;

    /// <summary>PageRange or NodeRange.</summary>
    public RangeKind Kind;

    /// <summary>OID - the range's FirstOid.</summary>
    public ulong Index;

    /// <summary>Disk page of the data page (page range) or of the node pot (node range).</summary>
    public ulong HomePage;

    /// <summary>Disk page of the cluster's tag pot (page range); 0 for a node range.</summary>
    public ulong TagPotPage;

    /// <summary>Node slot in its pot (0..6), or entry index in its tag pot (0..335).</summary>
    public int Slot;

    /// <summary>OID of slot 0 of the pot (node) or of entry 0 of the tag pot (page).</summary>
    public Oid PotFirstOid;

    /// <summary>Objects held by that pot or cluster (fewer than full only at the end of a range).</summary>
    public uint PotObjectCount;
}
