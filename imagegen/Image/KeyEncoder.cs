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

        disk.Word0 = key.Word0;
        disk.Word1 = key.Word1;
        disk.Word2 = key.Word2;
        return disk;
    }
}
