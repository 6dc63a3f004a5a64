using System.Collections.Generic;
using CapOS.Kernel.Arch.X64;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.Process;

namespace CapOS.ImageGen.Image;

/// <summary>
/// The process half of `check` (docs/process.md "Consistency check", docs/imagegen.md "check"): every
/// restart entry names a live node (its AllocCount), whose slots hold legal key types for a process root (the
/// kernel's own rule, Kernel.Process.ProcessCheck, linked: the one the process table applies at load),
/// whose run state is restartable (Running or Waiting: P4), whose key register 0 is void (P1), whose annex
/// page exists and whose program counter lies in a page the address space maps read-only: code is mapped
/// read-only (imagegen refuses a writable executable page), so read-only is what "executable" looks like in
/// an image whose keys carry no execute right.
/// </summary>
internal static unsafe class ProcessCheck
{
    /// <summary>What each process root slot holds, for messages (docs/process.md "Definitions").</summary>
    private static readonly string[] s_slotNames =
    {
        "schedule", "keeper", "address space", "key registers", "register annex", "symbol space", "brand",
        "last invoked key", "run state", "fault info",
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
        for (int slot = 0; slot < DiskNode.SlotCount; slot++)
        {
            DiskKey* key = process.Slot(slot);
            if (!Kernel.Process.ProcessCheck.IsLegal(slot, key->Type))
            {
                string what = slot < s_slotNames.Length ? s_slotNames[slot] : "reserved";
                Fault($"slot {slot} ({what}) holds {KeyText.Format(key)}: not legal in a process root (docs/process.md \"Consistency check\")");
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
