using System.Collections.Generic;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;

namespace CapOS.ImageGen.Image;

/// <summary>
/// The segment walk over an image (docs/process.md "Definitions", "Theory of operation: Page faults"), as
/// the kernel's walk would do it after recovery: from an address-space key (a segment key of height 1..7 or
/// a page key), one node per 5 bits, rights accumulating (a read-only key anywhere makes the page read-only).
/// A slot holds a page key (the first page of its span), a segment key of lower height (the low end of its
/// span) or anything else (invalid). A key whose count differs from its object's is void (rescinded).
/// Shared by dump (the mappings) and check (the program counter).
/// </summary>
internal static unsafe class SpaceWalk
{
    /// <summary>The greatest segment height: 7 spans the 47-bit user half.</summary>
    public const int MaxHeight = 7;

    /// <summary>Bytes a segment of <paramref name="height"/> spans (0: one page).</summary>
    public static ulong Span(int height) => 1UL << (12 + (5 * height));

    /// <summary>The page <paramref name="address"/> lies in, or null when the space does not map it.</summary>
    public static Mapping? Translate(VolumeImage image, DiskKey space, ulong address)
    {
        DiskKey key = space;
        ulong first = 0;
        bool readOnly = false;
        int above = MaxHeight + 1;
        while (true)
        {
            readOnly |= (key.Rights & KeyRights.ReadOnly) != 0;
            int height = Height(image, key, above);
            if (height < 0 || address - first >= Span(height))
            {
                return null;
            }

            if (height == 0)
            {
                return new Mapping(first, key.Oid, readOnly);
            }

            ulong slot = (address - first) / Span(height - 1);
            key = *DiskNode.Slot(image.Node(key.Oid, out _), (int)slot);
            first += slot * Span(height - 1);
            above = height;
        }
    }

    /// <summary>Every mapped page in address order, at most <paramref name="limit"/> (then <paramref name="truncated"/>).</summary>
    public static List<Mapping> Mappings(VolumeImage image, DiskKey space, int limit, out bool truncated)
    {
        var mappings = new List<Mapping>();
        truncated = !Visit(image, space, 0, false, MaxHeight + 1, mappings, limit);
        return mappings;
    }

    private static bool Visit(VolumeImage image, DiskKey key, ulong first, bool readOnly, int above, List<Mapping> mappings, int limit)
    {
        readOnly |= (key.Rights & KeyRights.ReadOnly) != 0;
        int height = Height(image, key, above);
        if (height == 0)
        {
            if (mappings.Count == limit)
            {
                return false;
            }

            mappings.Add(new Mapping(first, key.Oid, readOnly));
        }

        for (int slot = 0; height > 0 && slot < DiskNode.SlotCount; slot++)
        {
            DiskKey child = *DiskNode.Slot(image.Node(key.Oid, out _), slot);
            if (!Visit(image, child, first + ((ulong)slot * Span(height - 1)), readOnly, height, mappings, limit))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>0 for a live page key, the height of a live segment key below <paramref name="above"/>, else -1 (invalid).</summary>
    private static int Height(VolumeImage image, DiskKey key, int above)
    {
        if (key.Type == KeyType.Page)
        {
            return image.TryPage(key.Oid, out uint allocCount, out _, out _) && allocCount == key.AllocCount ? 0 : -1;
        }

        if (key.Type != KeyType.Segment || key.KeyData < 1 || key.KeyData >= above || key.KeyData > MaxHeight)
        {
            return -1;
        }

        DiskNode* node = image.Node(key.Oid, out _);
        return node is not null && node->AllocCount == key.AllocCount ? key.KeyData : -1;
    }
}

/// <summary>A mapped page: its address in the space, its OID, and whether the walk made it read-only.</summary>
internal readonly record struct Mapping(ulong Address, Oid Page, bool ReadOnly);
