using System.Collections.Generic;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;

namespace CapOS.ImageGen.Image;

/// <summary>
/// The log half of `check`: for each entry of the chosen directory, its OID lies in an object range of the
/// right kind, its image matches ImageCrc (L1), a logged node pot or tag pot is valid for its place, a logged
/// page's tag pot is logged too and agrees with it; no LID is shared except by nodes of one pot, and no image
/// overlaps the directory; no object has two entries.
/// </summary>
internal sealed unsafe class LogCheck
{
    private readonly VolumeImage _image;
    private readonly List<Finding> _findings;
    private readonly Dictionary<uint, string> _lidOwner = new();
    private readonly HashSet<(ObType, ulong)> _seen = new();

    private LogCheck(VolumeImage image, List<Finding> findings)
    {
        _image = image;
        _findings = findings;
    }

    public static void Run(VolumeImage image, List<Finding> findings)
    {
        var check = new LogCheck(image, findings);
        CheckpointHeader* header = image.Chosen;
        for (uint i = 0; i < header->DirectoryPageCount && (header->Flags & CheckpointFlags.Migrated) == 0; i++)
        {
            check._lidOwner[header->DirectoryFirst + i] = "directory";
        }

        foreach (DirectoryEntry entry in image.Entries)
        {
            check.CheckEntry(entry);
        }
    }

    private void Fault(string text) => _findings.Add(new Finding(FindingKind.Fault, text));

    private static string Name(DirectoryEntry e) => $"directory: {e.Type.ToString().ToLowerInvariant()} oid=0x{e.Oid.Value:x}";

    private void CheckEntry(DirectoryEntry entry)
    {
        if (!_seen.Add((entry.Type, entry.Oid.Value)))
        {
            Fault($"{Name(entry)}: more than one entry");
            return;
        }

        RangeKind kind = entry.Type == ObType.Node ? RangeKind.NodeRange : RangeKind.PageRange;
        FormatError error = VolumeLayout.Locate(_image.Header, entry.Oid, kind, out ObjectLocation location);
        if (error != FormatError.None)
        {
            Fault($"{Name(entry)}: {FormatErrors.Name(error)}");
            return;
        }

        if (entry.Lid != DiskLayout.ZeroLid && !CheckLid(entry, location))
        {
            return;
        }

        switch (entry.Type)
        {
            case ObType.Node: CheckNode(entry, location); break;
            case ObType.TagPot: CheckTagPot(entry, location); break;
            default: CheckPage(entry, location); break;
        }
    }

    /// <summary>L1 and LID ownership; false when the image cannot be trusted further.</summary>
    private bool CheckLid(DirectoryEntry entry, ObjectLocation location)
    {
        string owner = entry.Type == ObType.Node ? $"node pot 0x{location.PotFirstOid.Value:x}" : Name(entry);
        if (_lidOwner.TryGetValue(entry.Lid, out string? earlier))
        {
            if (earlier != owner)
            {
                Fault($"{Name(entry)}: lid {entry.Lid} also holds {earlier}");
                return false;
            }

            return true;
        }

        _lidOwner[entry.Lid] = owner;
        uint crc = PageSeal.ImageCrc(_image.LogPage(entry.Lid));
        if (crc != entry.ImageCrc)
        {
            Fault($"log lid={entry.Lid}: image CRC mismatch ({Name(entry)} says 0x{entry.ImageCrc:x8}, the page has 0x{crc:x8})");
            return false;
        }

        return true;
    }

    private void CheckNode(DirectoryEntry entry, ObjectLocation location)
    {
        var pot = (NodePot*)_image.LogPage(entry.Lid);
        FormatError error = NodePot.Validate(pot, location.PotFirstOid, location.PotObjectCount);
        if (error != FormatError.None)
        {
            Fault($"log lid={entry.Lid}: {FormatErrors.Name(error)}");
        }
        else if (entry.Slot != location.Slot)
        {
            Fault($"{Name(entry)}: slot {entry.Slot}, its place in the pot is {location.Slot}");
        }
        else if (NodePot.NodeAt(pot, entry.Slot)->AllocCount != entry.AllocCount)
        {
            Fault($"{Name(entry)}: AllocCount {entry.AllocCount}, the logged node has {NodePot.NodeAt(pot, entry.Slot)->AllocCount}");
        }
    }

    private void CheckTagPot(DirectoryEntry entry, ObjectLocation location)
    {
        if (entry.Oid != location.PotFirstOid)
        {
            Fault($"{Name(entry)}: not the first OID of a cluster");
            return;
        }

        FormatError error = TagPot.Validate((TagPot*)_image.LogPage(entry.Lid), location.PotFirstOid, location.PotObjectCount);
        if (error != FormatError.None)
        {
            Fault($"log lid={entry.Lid}: {FormatErrors.Name(error)}");
        }
    }

    private void CheckPage(DirectoryEntry entry, ObjectLocation location)
    {
        if (!_image.TagPotEntries.TryGetValue(location.PotFirstOid.Value, out DirectoryEntry tagEntry))
        {
            Fault($"{Name(entry)}: logged without its cluster's tag pot");
            return;
        }

        TagEntry* tag = TagPot.Entry((TagPot*)_image.LogPage(tagEntry.Lid), location.Slot);
        bool zero = entry.Lid == DiskLayout.ZeroLid;
        if (tag->AllocCount != entry.AllocCount || (tag->Tag == FrameTag.ZeroPage) != zero || (!zero && tag->DataCrc != entry.ImageCrc))
        {
            Fault($"{Name(entry)}: disagrees with the logged tag pot (ac={tag->AllocCount} tag={tag->Tag} crc=0x{tag->DataCrc:x8})");
        }
    }
}
