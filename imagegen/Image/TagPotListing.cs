using System.IO;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;

namespace CapOS.ImageGen.Image;

/// <summary>The tag pot lines of `dump`: every home tag pot, then every logged tag pot image.</summary>
internal static unsafe class TagPotListing
{
    public static void Write(VolumeImage image, TextWriter output)
    {
        for (int i = 0; i < image.Header->RangeCount; i++)
        {
            RangeDescriptor* r = VolumeHeader.Range(image.Header, i);
            if (r->Kind != RangeKind.PageRange)
            {
                continue;
            }

            for (ulong page = r->FirstPage; page < r->FirstPage + r->PageCount; page += VolumeLayout.ClusterPages)
            {
                output.WriteLine($"tag pot home page={page}: {Describe((TagPot*)image.Page(page))}");
            }
        }

        foreach (DirectoryEntry entry in image.Entries)
        {
            if (entry.Type == ObType.TagPot)
            {
                output.WriteLine($"tag pot log lid={entry.Lid}: {Describe((TagPot*)image.LogPage(entry.Lid))}");
            }
        }
    }

    private static string Describe(TagPot* pot)
    {
        if (pot->Magic != DiskLayout.TagPotMagic)
        {
            return FormatErrors.Name(FormatError.TagPotBadMagic);
        }

        int data = 0;
        int counted = 0;
        for (int e = 0; e < pot->EntryCount && e < TagPot.EntryCapacity; e++)
        {
            TagEntry* entry = TagPot.Entry(pot, e);
            data += entry->Tag == FrameTag.DataPage ? 1 : 0;
            counted += entry->AllocCount != 0 ? 1 : 0;
        }

        return $"first=0x{pot->FirstOid.Value:x} entries={pot->EntryCount} seq={pot->Sequence} data-pages={data} nonzero-ac={counted}";
    }
}
