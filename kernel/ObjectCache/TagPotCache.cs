using System.Runtime.InteropServices;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.ObjectCache;

/// <summary>
/// A few tag pots kept in memory, so that faulting the pages of one cluster reads its tag pot
/// once (EROS kept tag pots as a frame kind; docs/object-cache.md "Tag pots").
/// </summary>
/// <remarks>
/// A tag pot comes from the log when the directory has a TagPot entry for its cluster, else from
/// home; the object fault (Cache.Load.cs) reads it and inserts it only after its CRC (log: L1) and P1
/// check. Replacement is round robin.
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

    /// <summary>The validated tag pot of the cluster whose first page is <paramref name="firstOid"/>, or null (not held).</summary>
    public static TagPot* Lookup(Oid firstOid)
    {
        for (int i = 0; i < SlotCount; i++)
        {
            if (s_slots.FirstOid[i] == firstOid.Value)
            {
                return Page(i);
            }
        }

        return null;
    }

    /// <summary>
    /// Keeps a copy of <paramref name="pot"/>, the tag pot of the cluster starting at <paramref name="firstOid"/>,
    /// which passed its CRC check (from the log) and TagPot.Validate (I1); round robin over the slots.
    /// </summary>
    internal static void Insert(Oid firstOid, TagPot* pot)
    {
        int slot = s_next;
        s_next = (s_next + 1) % SlotCount;
        NativeMemory.Copy(pot, Page(slot), DiskLayout.PageSize);
        s_slots.FirstOid[slot] = firstOid.Value;
    }

    private static TagPot* Page(int slot) => (TagPot*)Machine.PhysicalToVirtual(s_pages + ((ulong)slot * DiskLayout.PageSize));

    private struct Slots
    {
        /// <summary>First page OID of the cluster each slot holds; 0 = empty (OID 0 is never allocated).</summary>
        public fixed ulong FirstOid[SlotCount];
    }
}
