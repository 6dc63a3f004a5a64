using System.Collections.Generic;
using CapOS.Kernel.Arch.X64;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.Process;

namespace CapOS.ImageGen.Image;

/// <summary>
/// The process half of `check` (docs/process.md "Consistency check", docs/imagegen.md "check"): every
/// restart entry names a live node (its AllocCount), whose slots hold legal key types for a process root,
/// whose run state is restartable (Running or Waiting: P4), whose key register 0 is void (P1), whose annex
/// page exists and whose program counter lies in a page the address space maps read-only: code is mapped
/// read-only (imagegen refuses a writable executable page), so read-only is what "executable" looks like in
/// an image whose keys carry no execute right.
/// </summary>
internal static unsafe class ProcessCheck
{
    /// <summary>The key types each process root slot may hold (the others are not checked: reserved).</summary>
    private static readonly (int Slot, string What, KeyType[] Legal)[] s_slots =
    {
        (ProcessRoot.Schedule, "schedule", new[] { KeyType.Sched, KeyType.Void }),
        (ProcessRoot.Keeper, "keeper", new[] { KeyType.Start, KeyType.Void }),
        (ProcessRoot.AddressSpace, "address space", new[] { KeyType.Segment, KeyType.Page, KeyType.Void }),
        (ProcessRoot.KeyRegisters, "key registers", new[] { KeyType.Node }),
        (ProcessRoot.RegisterAnnex, "register annex", new[] { KeyType.Page }),
        (ProcessRoot.State, "run state", new[] { KeyType.Number }),
        (ProcessRoot.FaultInfo, "fault info", new[] { KeyType.Number }),
    };

    public static void Run(VolumeImage image, List<Finding> findings)
    {
        foreach (ProcessImage process in ProcessImage.Find(image))
        {
            if (process.Restart >= 0)
            {
                Check(process, findings);
            }
        }
    }

    private static void Check(ProcessImage process, List<Finding> findings)
    {
        void Fault(string text) => findings.Add(new Finding(FindingKind.Fault, $"{process.Name}: {text}"));

        uint listed = CheckpointHeader.Restart(process.Image.Chosen, process.Restart)->AllocCount;
        if (listed != process.Root->AllocCount)
        {
            Fault($"the restart entry's AllocCount {listed} is not the node's ({process.Root->AllocCount})");
        }

        bool legal = true;
        foreach ((int slot, string what, KeyType[] types) in s_slots)
        {
            DiskKey* key = process.Slot(slot);
            if (System.Array.IndexOf(types, key->Type) < 0)
            {
                Fault($"slot {slot} ({what}) holds {KeyText.Format(key)}; a process root holds {string.Join(" or ", System.Array.ConvertAll(types, t => Description.KeyNames.Name(t)))} there");
                legal = false;
            }
        }

        if (!legal)
        {
            return;
        }

        if (process.State != RunState.Running && process.State != RunState.Waiting)
        {
            Fault($"run state {ProcessListing.StateName(process.State)} is not restartable (running or waiting: docs/process.md P4)");
        }

        DiskNode* keys = process.KeyRegisters;
        if (keys is null)
        {
            Fault($"the key registers node ({KeyText.Format(process.Slot(ProcessRoot.KeyRegisters))}) is stale or missing");
        }
        else if (DiskNode.Slot(keys, 0)->Type != KeyType.Void)
        {
            Fault($"key register 0 is not void ({KeyText.Format(DiskNode.Slot(keys, 0))}; docs/process.md P1)");
        }

        RegisterAnnex* annex = process.Annex;
        if (annex is null)
        {
            Fault($"the register annex ({KeyText.Format(process.Slot(ProcessRoot.RegisterAnnex))}) is stale, missing or a zero page");
            return;
        }

        Mapping? code = SpaceWalk.Translate(process.Image, *process.Slot(ProcessRoot.AddressSpace), annex->Rip);
        if (code is null)
        {
            Fault($"pc=0x{annex->Rip:x} is not mapped by its address space");
        }
        else if (!code.Value.ReadOnly)
        {
            Fault($"pc=0x{annex->Rip:x} is in a writable page (oid=0x{code.Value.Page.Value:x}); code is mapped read-only");
        }
    }
}
