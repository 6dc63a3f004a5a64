using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.DiskFormat;

/// <summary>
/// Address arithmetic over the range table: OID -> home location, LID -> disk
/// page, range capacities, and the range-table checks (docs/disk-format.md "Ranges").
/// </summary>
/// <remarks>
/// Page range of P disk pages: clusters of (1 tag pot + K data pages), K =
/// <see cref="TagPot.EntryCapacity"/>; the last cluster may be short. Page OID with
/// index i (OID - FirstOid) lives in cluster c = i / K, entry e = i % K: tag pot at
/// FirstPage + c*(K+1), data page one after it plus e.
/// Node range of P pages: P node pots; node index i lives in pot i / 7, slot i % 7.
/// OIDs are dense in both (departure from EROS's frame*256+index numbering:
/// docs/disk-format.md "Departures").
/// </remarks>
public static unsafe class VolumeLayout
{
    /// <summary>Disk pages per full page-range cluster.</summary>
    public const ulong ClusterPages = TagPot.EntryCapacity + 1;

    /// <summary>How many OIDs a range of <paramref name="kind"/> and <paramref name="pageCount"/> pages can home.</summary>
    public static ulong Capacity(RangeKind kind, ulong pageCount)
    {
        if (kind == RangeKind.NodeRange)
        {
            return pageCount * NodePot.NodeCapacity;
        }

        if (kind != RangeKind.PageRange)
        {
            return 0;
        }

        ulong full = pageCount / ClusterPages;
        ulong rest = pageCount % ClusterPages;
        return (full * TagPot.EntryCapacity) + (rest > 0 ? rest - 1 : 0);
    }

    /// <summary>Smallest page count of a range of <paramref name="kind"/> homing <paramref name="oidCount"/> OIDs.</summary>
    public static ulong PagesFor(RangeKind kind, ulong oidCount)
    {
        if (kind == RangeKind.NodeRange)
        {
            return (oidCount + NodePot.NodeCapacity - 1) / NodePot.NodeCapacity;
        }

        ulong clusters = (oidCount + TagPot.EntryCapacity - 1) / TagPot.EntryCapacity;
        return oidCount + clusters;
    }

    /// <summary>Index of the log range in the table, or -1 (a validated header always has one).</summary>
    public static int FindLogRange(VolumeHeader* header)
    {
        for (int i = 0; i < header->RangeCount && i < VolumeHeader.MaxRanges; i++)
        {
            if (VolumeHeader.Range(header, i)->Kind == RangeKind.LogRange)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Disk page of log page <paramref name="lid"/> (the caller has checked lid &lt; the log's PageCount).</summary>
    public static ulong LogPage(RangeDescriptor* log, uint lid) => log->FirstPage + lid;

    /// <summary>
    /// Finds the home location of <paramref name="oid"/>: <see cref="FormatError.UnknownOid"/> when no
    /// object range holds it. The kind (page or node) is in <paramref name="location"/>.Kind.
    /// </summary>
    public static FormatError Locate(VolumeHeader* header, Oid oid, out ObjectLocation location)
    {
        location = default;
        for (int i = 0; i < header->RangeCount && i < VolumeHeader.MaxRanges; i++)
        {
            RangeDescriptor* range = VolumeHeader.Range(header, i);
            if (range->Kind == RangeKind.LogRange || !range->Contains(oid))
            {
                continue;
            }

            location.RangeIndex = i;
            location.Kind = range->Kind;
            location.Index = oid.Value - range->FirstOid.Value;
            if (range->Kind == RangeKind.NodeRange)
            {
                LocateNode(range, ref location);
            }
            else
            {
                LocatePage(range, ref location);
            }

            return FormatError.None;
        }

        return FormatError.UnknownOid;
    }

    /// <summary>As <see cref="Locate"/>, and <see cref="FormatError.WrongObjectKind"/> when the OID is of the other kind.</summary>
    public static FormatError Locate(VolumeHeader* header, Oid oid, RangeKind kind, out ObjectLocation location)
    {
        FormatError error = Locate(header, oid, out location);
        if (error == FormatError.None && location.Kind != kind)
        {
            return FormatError.WrongObjectKind;
        }

        return error;
    }

    private static void LocateNode(RangeDescriptor* range, ref ObjectLocation location)
    {
        ulong pot = location.Index / NodePot.NodeCapacity;
        ulong potFirst = pot * NodePot.NodeCapacity;
        location.HomePage = range->FirstPage + pot;
        location.Slot = (int)(location.Index % NodePot.NodeCapacity);
        location.PotFirstOid = range->FirstOid.Add(potFirst);
        location.PotObjectCount = (uint)System.Math.Min(NodePot.NodeCapacity, range->OidCount - potFirst);
    }

    private static void LocatePage(RangeDescriptor* range, ref ObjectLocation location)
    {
        ulong cluster = location.Index / TagPot.EntryCapacity;
        ulong clusterFirst = cluster * TagPot.EntryCapacity;
        location.Slot = (int)(location.Index % TagPot.EntryCapacity);
        location.TagPotPage = range->FirstPage + (cluster * ClusterPages);
        location.HomePage = location.TagPotPage + 1 + (ulong)location.Slot;
        location.PotFirstOid = range->FirstOid.Add(clusterFirst);
        location.PotObjectCount = (uint)System.Math.Min(TagPot.EntryCapacity, range->OidCount - clusterFirst);
    }

    /// <summary>Checks the range table of a header whose fixed fields are valid (RangeDescriptor I1..I3).</summary>
    public static FormatError ValidateRanges(VolumeHeader* header)
    {
        int logRanges = 0;
        int count = (int)header->RangeCount;
        for (int i = 0; i < count; i++)
        {
            RangeDescriptor* range = VolumeHeader.Range(header, i);
            FormatError error = ValidateRange(range, header->VolumePageCount);
            if (error != FormatError.None)
            {
                return error;
            }

            logRanges += range->Kind == RangeKind.LogRange ? 1 : 0;
            for (int j = 0; j < i; j++)
            {
                error = CheckDisjoint(range, VolumeHeader.Range(header, j));
                if (error != FormatError.None)
                {
                    return error;
                }
            }
        }

        if (logRanges == 0)
        {
            return FormatError.LogRangeMissing;
        }

        return logRanges > 1 ? FormatError.LogRangeDuplicate : FormatError.None;
    }

    private static FormatError ValidateRange(RangeDescriptor* range, ulong volumePages)
    {
        if (range->Kind != RangeKind.PageRange && range->Kind != RangeKind.NodeRange && range->Kind != RangeKind.LogRange)
        {
            return FormatError.RangeBadKind;
        }

        if (range->FirstPage < DiskLayout.FirstRangePage || range->PageCount == 0
            || range->FirstPage > volumePages || range->PageCount > volumePages - range->FirstPage)
        {
            return FormatError.RangeOutsideVolume;
        }

        if (range->Kind == RangeKind.LogRange)
        {
            if (range->PageCount < DiskLayout.MinimumLogPages || range->PageCount > uint.MaxValue)
            {
                return FormatError.LogRangeBadSize;
            }

            return range->FirstOid.IsNull && range->OidCount == 0 ? FormatError.None : FormatError.LogRangeHasOids;
        }

        if (range->FirstOid.IsNull)
        {
            return FormatError.RangeNullOid;
        }

        if (range->OidCount == 0 || range->OidCount > Capacity(range->Kind, range->PageCount)
            || range->OidCount > ulong.MaxValue - range->FirstOid.Value)
        {
            return FormatError.RangeBadOidCount;
        }

        return FormatError.None;
    }

    private static FormatError CheckDisjoint(RangeDescriptor* a, RangeDescriptor* b)
    {
        if (a->FirstPage < b->FirstPage + b->PageCount && b->FirstPage < a->FirstPage + a->PageCount)
        {
            return FormatError.RangesOverlap;
        }

        bool objects = a->Kind != RangeKind.LogRange && b->Kind != RangeKind.LogRange;
        if (objects && a->FirstOid.Value < b->FirstOid.Value + b->OidCount
            && b->FirstOid.Value < a->FirstOid.Value + a->OidCount)
        {
            return FormatError.OidRangesOverlap;
        }

        return FormatError.None;
    }

    /// <summary>
    /// True when <paramref name="lid"/> lies in the circular log area [first, first + count) over
    /// LIDs 2 .. logPageCount-1 (the area may wrap from the end back to LID 2).
    /// </summary>
    public static bool AreaContains(uint first, uint count, uint lid, uint logPageCount)
    {
        if (lid < DiskLayout.FirstAreaLid || lid >= logPageCount || first < DiskLayout.FirstAreaLid || first >= logPageCount)
        {
            return false;
        }

        uint ring = logPageCount - DiskLayout.FirstAreaLid;
        uint offset = lid >= first ? lid - first : lid + ring - first;
        return offset < count;
    }
}
