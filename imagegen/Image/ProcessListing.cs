using System.Collections.Generic;
using System.IO;
using CapOS.Kernel.Arch.X64;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.Process;

namespace CapOS.ImageGen.Image;

/// <summary>
/// The processes part of `imagegen dump` (docs/imagegen.md "dump"): per process its root, run state and fault
/// code, the registers of its annex (pc, sp, rflags), its schedule, keeper and brand, its address space key
/// and every mapped page (runs of consecutive pages in one line), and its non-void key registers.
/// </summary>
internal static unsafe class ProcessListing
{
    /// <summary>Most mappings listed per process.</summary>
    public const int MappingLimit = 4096;

    public static void Write(VolumeImage image, TextWriter output)
    {
        List<ProcessImage> processes = ProcessImage.Find(image);
        output.WriteLine($"processes: {processes.Count}");
        foreach (ProcessImage process in processes)
        {
            WriteProcess(process, output);
        }
    }

    private static void WriteProcess(ProcessImage process, TextWriter output)
    {
        DiskNode* root = process.Root;
        output.WriteLine($"{process.Name} ac={root->AllocCount} state={StateName(process.State)} fault={process.FaultCode}");
        RegisterAnnex* annex = process.Annex;
        output.WriteLine(annex is null
            ? "  registers: no annex page"
            : $"  pc=0x{annex->Rip:x} sp=0x{annex->Rsp:x} rflags=0x{annex->Rflags:x}");
        WriteSlot(process, ProcessRoot.Schedule, "schedule", output);
        WriteSlot(process, ProcessRoot.Keeper, "keeper", output);
        WriteSlot(process, ProcessRoot.Brand, "brand", output);
        WriteSlot(process, ProcessRoot.RegisterAnnex, "annex", output);
        WriteSlot(process, ProcessRoot.AddressSpace, "space", output);
        DiskKey space = *process.Slot(ProcessRoot.AddressSpace);
        List<Mapping> mappings = SpaceWalk.Mappings(process.Image, space, MappingLimit, out bool truncated);
        WriteMappings(mappings, output);
        if (truncated)
        {
            output.WriteLine($"  map: more than {MappingLimit} pages, the rest not listed");
        }

        WriteSlot(process, ProcessRoot.KeyRegisters, "key registers", output);
        DiskNode* keys = process.KeyRegisters;
        for (int r = 0; keys is not null && r < DiskNode.SlotCount; r++)
        {
            DiskKey* key = DiskNode.Slot(keys, r);
            if (key->Type != KeyType.Void)
            {
                output.WriteLine($"  key {r}: {KeyText.Format(key)}");
            }
        }
    }

    private static void WriteSlot(ProcessImage process, int slot, string what, TextWriter output)
    {
        DiskKey* key = process.Slot(slot);
        if (key->Type != KeyType.Void)
        {
            output.WriteLine($"  {what}: {KeyText.Format(key)}");
        }
    }

    /// <summary>One line per run of pages with consecutive addresses and OIDs and the same rights.</summary>
    private static void WriteMappings(List<Mapping> mappings, TextWriter output)
    {
        for (int first = 0; first < mappings.Count;)
        {
            int last = first;
            while (last + 1 < mappings.Count
                && mappings[last + 1].Address == mappings[last].Address + DiskLayout.PageSize
                && mappings[last + 1].Page.Value == mappings[last].Page.Value + 1
                && mappings[last + 1].ReadOnly == mappings[first].ReadOnly)
            {
                last++;
            }

            Mapping a = mappings[first];
            Mapping b = mappings[last];
            string rights = a.ReadOnly ? "ro" : "rw";
            output.WriteLine(first == last
                ? $"  map 0x{a.Address:x} {rights} page oid=0x{a.Page.Value:x}"
                : $"  map 0x{a.Address:x}..0x{b.Address + DiskLayout.PageSize - 1:x} {rights} {last - first + 1} pages oid=0x{a.Page.Value:x}..0x{b.Page.Value:x}");
            first = last + 1;
        }
    }

    /// <summary>The run state's word: available, running, waiting; anything else as a number.</summary>
    public static string StateName(RunState state) => state switch
    {
        RunState.None => "none",
        RunState.Available => "available",
        RunState.Running => "running",
        RunState.Waiting => "waiting",
        _ => $"0x{(uint)state:x}",
    };
}
