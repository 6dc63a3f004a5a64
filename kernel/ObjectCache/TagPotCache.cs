using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.ObjectCache;

/// <summary>
/// A few tag pots kept in memory, so that faulting the pages of one cluster reads its tag pot
/// once (EROS kept tag pots as a frame kind; docs/object-cache.md "Tag pots").
/// </summary>
/// <remarks>
/// A tag pot comes from the log when the directory has a TagPot entry for its cluster, else from
/// home; it is used only after its CRC (log: L1) and P1 check. Replacement is round robin.
/// I1: a valid slot holds a tag pot that passed TagPot.Validate for the cluster of FirstOid.
/// The checkpoint invalidates (<see cref="InvalidateAll"/>) when it changes tag pots or the directory.
/// </remarks>
public static unsafe class TagPotCache
{
    /// <summary>Tag pots held.</summary>
    public const int SlotCount = 4;

    private static Slots s_slots;
    private static ulong s_pages;
    private static int s_next;

    internal static void Initialize(ulong physical)
    {
        s_pages = physical;
        s_next = 0;
        InvalidateAll();
    }

    /// <summary>Forgets every tag pot held.</summary>
    public static void InvalidateAll()
    {
        for (int i = 0; i < SlotCount; i++)
        {
            s_slots.FirstOid[i] = 0;
        }
    }

    /// <summary>The validated tag pot of the cluster holding <paramref name="location"/>, loading it on a miss.</summary>
    public static CacheResult Get(ObjectLocation* location, out TagPot* pot)
    {
        ulong first = location->PotFirstOid.Value;
        for (int i = 0; i < SlotCount; i++)
        {
            if (s_slots.FirstOid[i] == first)
            {
                pot = Page(i);
                return CacheResult.Ok;
            }
        }

        int slot = s_next;
        s_next = (s_next + 1) % SlotCount;
        s_slots.FirstOid[slot] = 0;
        pot = null;
        TagPot* buffer = Page(slot);
        DirectoryEntry* entry = CheckpointDirectory.Find(location->PotFirstOid, ObType.TagPot);
        CacheResult result = entry != null
            ? Cache.ReadLogImage(entry->Lid, entry->ImageCrc, (byte*)buffer)
            : Cache.ReadDiskPage(location->TagPotPage, (byte*)buffer);
        if (result != CacheResult.Ok)
        {
            return result;
        }

        FormatError error = TagPot.Validate(buffer, location->PotFirstOid, location->PotObjectCount);
        if (error != FormatError.None)
        {
            Cache.NoteFormatError(error);
            return CacheResult.PotInvalid;
        }

        Cache.NoteTagPotLoad();
        s_slots.FirstOid[slot] = first;
        pot = buffer;
        return CacheResult.Ok;
    }

    private static TagPot* Page(int slot) => (TagPot*)Machine.PhysicalToVirtual(s_pages + ((ulong)slot * DiskLayout.PageSize));

    private struct Slots
    {
        /// <summary>First page OID of the cluster each slot holds; 0 = empty (OID 0 is never allocated).</summary>
        public fixed ulong FirstOid[SlotCount];
    }
}
