using System.Collections.Generic;
using CapOS.Kernel.Arch.X64;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.Process;

namespace CapOS.ImageGen.Image;

/// <summary>
/// A process as an image holds it (docs/process.md "Definitions"): its root node and what the root's slots
/// name, read through VolumeImage as recovery would. Shared by dump and check.
/// </summary>
internal sealed unsafe class ProcessImage
{
    private ProcessImage(VolumeImage image, Oid oid, DiskNode* root, int restart)
    {
        Image = image;
        Oid = oid;
        Root = root;
        Restart = restart;
    }

    public VolumeImage Image { get; }

    public Oid Oid { get; }

    public DiskNode* Root { get; }

    /// <summary>Its index in the chosen header's restart list, or -1.</summary>
    public int Restart { get; }

    public DiskKey* Slot(int slot) => DiskNode.Slot(Root, slot);

    /// <summary>Root slot 8 word 0.</summary>
    public RunState State => (RunState)Slot(ProcessRoot.State)->Word0;

    /// <summary>Root slot 8 word 1.</summary>
    public uint FaultCode => Slot(ProcessRoot.State)->Word1;

    /// <summary>How dump and check name it: <c>process oid=0x1000 (restart 0)</c>.</summary>
    public string Name => $"process oid=0x{Oid.Value:x}{(Restart >= 0 ? $" (restart {Restart})" : "")}";

    /// <summary>The register annex, or null when slot 4 is not a live page key to a non-zero page.</summary>
    public RegisterAnnex* Annex => (RegisterAnnex*)LivePage(Slot(ProcessRoot.RegisterAnnex));

    /// <summary>The key registers node, or null when slot 3 is not a live node key.</summary>
    public DiskNode* KeyRegisters => LiveNode(Slot(ProcessRoot.KeyRegisters), KeyType.Node);

    /// <summary>
    /// The processes of an image: every restart entry of the chosen header that names a node, then every other
    /// node shaped like a process root (slot 8 a number key holding a run state, slot 4 a page key).
    /// </summary>
    public static List<ProcessImage> Find(VolumeImage image)
    {
        var processes = new List<ProcessImage>();
        var listed = new HashSet<ulong>();
        CheckpointHeader* header = image.Chosen;
        for (int r = 0; r < header->RestartCount && r < CheckpointHeader.RestartCapacity; r++)
        {
            Oid oid = CheckpointHeader.Restart(header, r)->Oid;
            DiskNode* node = image.Node(oid, out _);
            if (node is not null && listed.Add(oid.Value))
            {
                processes.Add(new ProcessImage(image, oid, node, r));
            }
        }

        for (int i = 0; i < image.Header->RangeCount; i++)
        {
            RangeDescriptor* range = VolumeHeader.Range(image.Header, i);
            for (ulong n = 0; range->Kind == RangeKind.NodeRange && n < range->OidCount; n++)
            {
                Oid oid = range->FirstOid.Add(n);
                DiskNode* node = image.Node(oid, out _);
                if (!listed.Contains(oid.Value) && LooksLikeProcess(node))
                {
                    processes.Add(new ProcessImage(image, oid, node, -1));
                }
            }
        }

        return processes;
    }

    private static bool LooksLikeProcess(DiskNode* node)
    {
        DiskKey* state = DiskNode.Slot(node, ProcessRoot.State);
        return state->Type == KeyType.Number && state->Word0 >= (uint)RunState.Available && state->Word0 <= (uint)RunState.Waiting
            && DiskNode.Slot(node, ProcessRoot.RegisterAnnex)->Type == KeyType.Page;
    }

    private DiskNode* LiveNode(DiskKey* key, KeyType type)
    {
        if (key->Type != type)
        {
            return null;
        }

        DiskNode* node = Image.Node(key->Oid, out _);
        return node is not null && node->AllocCount == key->AllocCount ? node : null;
    }

    private byte* LivePage(DiskKey* key)
    {
        return key->Type == KeyType.Page && Image.TryPage(key->Oid, out uint allocCount, out byte* content, out _)
            && allocCount == key->AllocCount ? content : null;
    }
}
