using System.IO;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;

namespace CapOS.ImageGen.Image;

/// <summary>
/// `imagegen dump`: the volume header and its copy, every range, both checkpoint headers, the directory,
/// every non-blank node with its non-void keys, every tag pot and every non-zero page, then the processes
/// (ProcessListing), as recovery sees them (docs/imagegen.md "dump"). Stable text: snapshot-tested.
/// </summary>
internal static unsafe class ImageDump
{
    /// <summary>Writes the listing; false when the image could not be read to the end (Fatal).</summary>
    public static bool Write(VolumeImage image, TextWriter output)
    {
        output.WriteLine($"image: {image.DiskPages} pages{(image.TrailingBytes != 0 ? $" + {image.TrailingBytes} bytes" : "")}");
        for (int p = 0; p < 2; p++)
        {
            output.WriteLine($"volume header page {p}: {Status(image.VolumeErrors[p])}");
        }

        if (image.VolumePage < 0)
        {
            output.WriteLine($"fatal: {image.Fatal}");
            return false;
        }

        WriteVolume(image, output);
        if (image.Fatal is not null)
        {
            output.WriteLine($"fatal: {image.Fatal}");
            return false;
        }

        WriteDirectory(image, output);
        WriteNodes(image, output);
        WritePages(image, output);
        ProcessListing.Write(image, output);
        return true;
    }

    private static string Status(FormatError error) => error == FormatError.None ? "ok" : FormatErrors.Name(error);

    private static void WriteVolume(VolumeImage image, TextWriter output)
    {
        VolumeHeader* h = image.Header;
        output.WriteLine($"volume: id=0x{h->VolumeId:x16} pages={h->VolumePageCount} ranges={h->RangeCount} version={h->FormatVersion} (header from page {image.VolumePage})");
        for (int i = 0; i < h->RangeCount; i++)
        {
            RangeDescriptor* r = VolumeHeader.Range(h, i);
            string pages = $"pages={r->FirstPage}..{r->FirstPage + r->PageCount - 1} ({r->PageCount})";
            string oids = r->Kind == RangeKind.LogRange ? ""
                : $" oids=0x{r->FirstOid.Value:x}..0x{r->FirstOid.Value + r->OidCount - 1:x} ({r->OidCount})";
            string kind = r->Kind switch { RangeKind.LogRange => "log", RangeKind.NodeRange => "nodes", _ => "pages" };
            output.WriteLine($"range {i}: {kind} {pages}{oids}");
        }

        for (uint slot = 0; slot < 2; slot++)
        {
            var c = (CheckpointHeader*)image.LogPage(slot);
            if (image.SlotErrors[slot] != FormatError.None)
            {
                output.WriteLine($"checkpoint lid {slot}: {FormatErrors.Name(image.SlotErrors[slot])}{(image.SlotBlank[slot] ? " (blank)" : "")}");
                continue;
            }

            string flags = (c->Flags & CheckpointFlags.Migrated) != 0 ? "migrated" : "-";
            output.WriteLine($"checkpoint lid {slot}: seq={c->Sequence} flags={flags} area={c->LogAreaFirst}+{c->LogAreaCount} directory={c->DirectoryFirst}+{c->DirectoryPageCount} entries={c->DirectoryEntryCount} restart={c->RestartCount} interval-ms={c->CheckpointIntervalMs} threshold={c->LogThresholdPercent}");
            for (int r = 0; r < c->RestartCount && r < CheckpointHeader.RestartCapacity; r++)
            {
                RestartEntry* entry = CheckpointHeader.Restart(c, r);
                output.WriteLine($"  restart {r}: oid=0x{entry->Oid.Value:x} ac={entry->AllocCount}");
            }
        }

        if (image.ChosenSlot >= 0)
        {
            output.WriteLine($"recovered: lid {image.ChosenSlot} seq={image.Chosen->Sequence}");
        }
    }

    private static void WriteDirectory(VolumeImage image, TextWriter output)
    {
        foreach ((uint index, FormatError error) in image.DirectoryErrors)
        {
            output.WriteLine($"directory page {index} (lid {image.Chosen->DirectoryFirst + index}): {FormatErrors.Name(error)}");
        }

        output.WriteLine($"directory: {image.Entries.Count} entries");
        foreach (DirectoryEntry e in image.Entries)
        {
            string text = e.Type switch
            {
                ObType.Node => $"  node oid=0x{e.Oid.Value:x} ac={e.AllocCount} lid={e.Lid} slot={e.Slot} crc=0x{e.ImageCrc:x8}",
                ObType.TagPot => $"  tagpot oid=0x{e.Oid.Value:x} lid={e.Lid} crc=0x{e.ImageCrc:x8}",
                _ when e.Lid == DiskLayout.ZeroLid => $"  page oid=0x{e.Oid.Value:x} ac={e.AllocCount} zero",
                _ => $"  page oid=0x{e.Oid.Value:x} ac={e.AllocCount} lid={e.Lid} crc=0x{e.ImageCrc:x8}",
            };
            output.WriteLine(text);
        }
    }

    private static void WriteNodes(VolumeImage image, TextWriter output)
    {
        RangeDescriptor* first = null;
        int blank = 0;
        int total = 0;
        for (int i = 0; i < image.Header->RangeCount; i++)
        {
            RangeDescriptor* r = VolumeHeader.Range(image.Header, i);
            if (r->Kind != RangeKind.NodeRange)
            {
                continue;
            }

            first = first is null ? r : first;
            for (ulong n = 0; n < r->OidCount; n++)
            {
                total++;
                blank += WriteNode(image, r->FirstOid.Add(n), output) ? 0 : 1;
            }
        }

        if (first is not null)
        {
            output.WriteLine($"root: 0x{first->FirstOid.Value:x} (first node OID)");
        }

        output.WriteLine($"nodes: {total}, {blank} blank not listed");
    }

    private static bool WriteNode(VolumeImage image, Oid oid, TextWriter output)
    {
        DiskNode* node = image.Node(oid, out ObjectSource source);
        bool empty = node->AllocCount == 0 && node->CallCount == 0;
        for (int s = 0; s < DiskNode.SlotCount && empty; s++)
        {
            empty = DiskNode.Slot(node, s)->Type == KeyType.Void;
        }

        if (empty)
        {
            return false;
        }

        output.WriteLine($"node oid=0x{oid.Value:x} ac={node->AllocCount} cc={node->CallCount} {source}");
        for (int s = 0; s < DiskNode.SlotCount; s++)
        {
            DiskKey* key = DiskNode.Slot(node, s);
            if (key->Type != KeyType.Void)
            {
                output.WriteLine($"  slot {s}: {KeyText.Format(key)}");
            }
        }

        return true;
    }

    private static void WritePages(VolumeImage image, TextWriter output)
    {
        TagPotListing.Write(image, output);
        int zero = 0;
        int total = 0;
        for (int i = 0; i < image.Header->RangeCount; i++)
        {
            RangeDescriptor* r = VolumeHeader.Range(image.Header, i);
            if (r->Kind != RangeKind.PageRange)
            {
                continue;
            }

            for (ulong n = 0; n < r->OidCount; n++)
            {
                Oid oid = r->FirstOid.Add(n);
                image.TryPage(oid, out uint allocCount, out byte* content, out ObjectSource source);
                total++;
                if (content is null && allocCount == 0)
                {
                    zero++;
                    continue;
                }

                string crc = content is null ? "zero" : $"crc=0x{PageSeal.ImageCrc(content):x8}";
                output.WriteLine($"page oid=0x{oid.Value:x} ac={allocCount} {crc} {source}");
            }
        }

        output.WriteLine($"pages: {total}, {zero} zero not listed");
    }
}
