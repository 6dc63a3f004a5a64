using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.Process;

/// <summary>
/// The legal key types of each process root slot (docs/process.md "Consistency check"): checked when a
/// process is loaded and by the checkpoint's consistency check for every loaded process. Shared with
/// imagegen's check, which applies the same rule to the processes it builds.
/// </summary>
public static unsafe class ProcessCheck
{
    /// <summary>Slots checked: every slot of the root.</summary>
    public const int NoIllegalSlot = -1;

    /// <summary>True when <paramref name="type"/> may stand in root slot <paramref name="slot"/>.</summary>
    public static bool IsLegal(int slot, KeyType type) => slot switch
    {
        ProcessRoot.Schedule => type is KeyType.Sched or KeyType.Void,
        ProcessRoot.Keeper => type is KeyType.Start or KeyType.Void,
        ProcessRoot.AddressSpace => type is KeyType.Segment or KeyType.Page or KeyType.Void,
        ProcessRoot.KeyRegisters => type == KeyType.Node,
        ProcessRoot.RegisterAnnex => type == KeyType.Page,
        ProcessRoot.Brand => true,
        ProcessRoot.State => type == KeyType.Number,
        ProcessRoot.FaultInfo => type is KeyType.Number or KeyType.Void,
        _ => type == KeyType.Void,
    };

    /// <summary>The first slot of <paramref name="root"/> whose key type is illegal, or <see cref="NoIllegalSlot"/>.</summary>
    public static int FirstIllegalSlot(Node* root)
    {
        for (int slot = 0; slot < Node.SlotCount; slot++)
        {
            if (!IsLegal(slot, Node.Slot(root, slot)->Type))
            {
                return slot;
            }
        }

        return NoIllegalSlot;
    }
}
