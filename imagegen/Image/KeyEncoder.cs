using System.Linq;
using CapOS.ImageGen.Description;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;

namespace CapOS.ImageGen.Image;

/// <summary>Turns a NodeSpec into its disk form (docs/keys.md "Layout"): counts and 32 DiskKeys.</summary>
internal static unsafe class KeyEncoder
{
    public static void WriteNode(SystemDescription description, NodeSpec spec, DiskNode* node)
    {
        node->AllocCount = spec.AllocCount;
        node->CallCount = spec.CallCount;
        for (int i = 0; i < DiskNode.SlotCount; i++)
        {
            if (spec.Slots[i] is KeySpec key)
            {
                *DiskNode.Slot(node, i) = Encode(description, key);
            }
        }
    }

    /// <summary>The disk key for <paramref name="key"/>; object keys take the target's current count unless overridden.</summary>
    public static DiskKey Encode(SystemDescription description, KeySpec key)
    {
        var disk = new DiskKey { Type = key.Type, Rights = key.Rights, KeyData = key.KeyData };
        if (key.Target is string name)
        {
            ObjectSpec target = description.ByName[name];
            disk.Oid = target.Oid;
            uint current = key.Type == KeyType.Resume ? ((NodeSpec)target).CallCount : target.AllocCount;
            disk.AllocCount = key.CountOverride ?? current;
            return disk;
        }

        if (key.FreeOf != ObType.None)
        {
            (ulong first, ulong count) = FreeRange(description, key);
            disk.Oid = new Oid(first);
            disk.AllocCount = (uint)count;
            return disk;
        }

        disk.Word0 = key.Word0;
        disk.Word1 = key.Word1;
        disk.Word2 = key.Word2;
        return disk;
    }

    /// <summary>
    /// The OIDs of the page (node) range after its declared objects: its slack, or the rest of its explicit
    /// <c>oids</c> (ImagePlan gives declared objects the first OIDs, densely). A space bank's free space at first boot.
    /// </summary>
    private static (ulong First, ulong Count) FreeRange(SystemDescription description, KeySpec key)
    {
        bool pages = key.FreeOf == ObType.Page;
        RangeSpec range = pages ? description.PageRange : description.NodeRange;
        ulong declared = (ulong)description.Objects.Count(o => pages ? o is PageSpec : o is NodeSpec);
        ulong total = range.OidCount ?? (declared + range.Slack);
        ulong free = total - declared;
        if (free == 0 || free > uint.MaxValue)
        {
            throw new DescriptionException(key.Position,
                $"the {(pages ? "page" : "node")} range has {free} free OIDs; a free range needs 1..{uint.MaxValue} (set slack)");
        }

        return (range.FirstOid + declared, free);
    }
}
