using System.Runtime.InteropServices;
using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.DiskFormat;

/// <summary>
/// One disk page holding 7 consecutive nodes of a node range: their home location,
/// and also the image the log holds when any of them changed (docs/disk-format.md
/// "Node pot"; EROS node pot).
/// </summary>
/// <remarks>
/// I1: sealed (PageSeal); FirstOid and NodeCount match the pot's place in its range.
/// I2: node i has OID FirstOid + i for i &lt; NodeCount; nodes at and beyond NodeCount are zero.
/// I3: every key is well formed (DiskKey I1..I3).
/// Home pots are written by imagegen and by migration (a page copy from the log);
/// log images by the checkpoint.
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = DiskLayout.PageSize)]
public unsafe struct NodePot
{
    /// <summary>Nodes per pot.</summary>
    public const int NodeCapacity = 7;

    /// <summary>Byte offset of node 0.</summary>
    public const int NodesOffset = 64;

    [FieldOffset(0)]
    public uint Magic;

    [FieldOffset(4)]
    public uint Crc;

    /// <summary>OID of node 0.</summary>
    [FieldOffset(8)]
    public Oid FirstOid;

    /// <summary>Sequence number of the checkpoint that wrote this image (1 for imagegen's).</summary>
    [FieldOffset(16)]
    public ulong Sequence;

    /// <summary>Nodes used (7, fewer only for the last pot of a range).</summary>
    [FieldOffset(24)]
    public uint NodeCount;

    [FieldOffset(NodesOffset)]
    private fixed byte _nodes[NodeCapacity * DiskNode.Size];

    /// <summary>Node <paramref name="index"/> (0..6).</summary>
    public static DiskNode* NodeAt(NodePot* pot, int index) => (DiskNode*)pot->_nodes + index;

    /// <summary>Clears the page and fills the header; nodes get their OIDs, zero counts and void keys.</summary>
    public static void Initialize(NodePot* pot, Oid firstOid, uint nodeCount, ulong sequence)
    {
        NativeMemory.Clear(pot, DiskLayout.PageSize);
        pot->Magic = DiskLayout.NodePotMagic;
        pot->FirstOid = firstOid;
        pot->NodeCount = nodeCount;
        pot->Sequence = sequence;
        for (int i = 0; i < nodeCount && i < NodeCapacity; i++)
        {
            NodeAt(pot, i)->Oid = firstOid.Add((ulong)i);
        }
    }

    /// <summary>Checks I1..I3 against the place the pot was read from (ObjectLocation.PotFirstOid, PotObjectCount).</summary>
    public static FormatError Validate(NodePot* pot, Oid expectedFirstOid, uint expectedNodeCount)
    {
        if (pot->Magic != DiskLayout.NodePotMagic)
        {
            return FormatError.NodePotBadMagic;
        }

        if (!PageSeal.Verify((byte*)pot))
        {
            return FormatError.NodePotBadCrc;
        }

        if (pot->FirstOid != expectedFirstOid)
        {
            return FormatError.NodePotWrongOid;
        }

        if (pot->NodeCount != expectedNodeCount || expectedNodeCount == 0 || expectedNodeCount > NodeCapacity)
        {
            return FormatError.NodePotBadNodeCount;
        }

        for (int i = 0; i < NodeCapacity; i++)
        {
            DiskNode* node = NodeAt(pot, i);
            Oid expected = i < expectedNodeCount ? expectedFirstOid.Add((ulong)i) : Oid.Null;
            if (node->Oid != expected)
            {
                return FormatError.NodeWrongOid;
            }

            FormatError error = DiskNode.ValidateKeys(node);
            if (error != FormatError.None)
            {
                return error;
            }
        }

        return FormatError.None;
    }
}
