using System.Collections.Generic;
using CapOS.Kernel.Process;

namespace CapOS.Kernel.Host;

/// <summary>
/// The simulated MMU: walks the simulated mapping tables exactly as the hardware would (every level
/// present and user; writes need every level writable) and caches translations in a TLB that only
/// <see cref="MappingTable.InvalidatePage"/> and <see cref="MappingTable.InvalidateAll"/> empty, so a
/// forgotten invalidation shows as a stale translation. Tests use it as the judge of the mapping layer.
/// </summary>
/// <remarks>
/// Entry format (the simulator's own, deliberately not x86's): bit 63 present, bit 62 writable, bit 61
/// user, bits 0..51 the target frame's physical address (page aligned). A fault drops the TLB entry of
/// the faulting address, as x86 does, so a retry after the kernel upgraded an entry sees the new one.
/// InvalidatePage drops the page's translations in every root: one CPU without PCID and without global
/// user pages, where switching roots flushes the TLB anyway, behaves the same.
/// </remarks>
public sealed unsafe class SimulatedMmu
{
    public const ulong PresentBit = 1UL << 63;
    public const ulong WritableBit = 1UL << 62;
    public const ulong UserBit = 1UL << 61;
    private const ulong TargetMask = (1UL << 52) - 1;

    private readonly Dictionary<(ulong Root, ulong Page), (ulong Frame, bool Writable)> _tlb = [];

    /// <summary>InvalidatePage calls.</summary>
    public ulong PageInvalidations { get; set; }

    /// <summary>InvalidateAll calls.</summary>
    public ulong FullInvalidations { get; set; }

    /// <summary>Entries written (SetEntry calls).</summary>
    public ulong EntryWrites { get; set; }

    /// <summary>Translations the TLB holds now.</summary>
    public int TlbEntries => _tlb.Count;

    public static ulong Encode(ulong target, bool writable, bool user) =>
        (target & TargetMask) | PresentBit | (writable ? WritableBit : 0) | (user ? UserBit : 0);

    public static bool Decode(ulong entry, out ulong target, out bool writable, out bool user)
    {
        target = entry & TargetMask;
        writable = (entry & WritableBit) != 0;
        user = (entry & UserBit) != 0;
        return (entry & PresentBit) != 0;
    }

    public void InvalidatePage(ulong address)
    {
        PageInvalidations++;
        ulong page = address >> MappingTable.PageShift;
        List<(ulong, ulong)> stale = [];
        foreach ((ulong Root, ulong Page) key in _tlb.Keys)
        {
            if (key.Page == page)
            {
                stale.Add(key);
            }
        }

        foreach ((ulong, ulong) key in stale)
        {
            _tlb.Remove(key);
        }
    }

    public void InvalidateAll()
    {
        FullInvalidations++;
        _tlb.Clear();
    }

    /// <summary>
    /// A user access to <paramref name="address"/> through root table <paramref name="root"/>: the physical
    /// address it reaches, or null for a page fault (not present, not user, or a write without write
    /// permission). A hit in the TLB answers without reading the tables.
    /// </summary>
    public ulong? Access(ulong root, ulong address, bool write)
    {
        if (address >= MappingTable.UserAddressLimit)
        {
            return null;
        }

        (ulong, ulong) key = (root, address >> MappingTable.PageShift);
        if (_tlb.TryGetValue(key, out (ulong Frame, bool Writable) cached))
        {
            if (!write || cached.Writable)
            {
                return cached.Frame | (address & (MappingTable.TableBytes - 1));
            }

            _tlb.Remove(key);
            return null;
        }

        if (!Walk(root, address, out ulong frame, out bool writable) || (write && !writable))
        {
            return null;
        }

        _tlb[key] = (frame, writable);
        return frame | (address & (MappingTable.TableBytes - 1));
    }

    /// <summary>The tables' own answer, bypassing the TLB: the page frame and whether every level allows writes.</summary>
    public static bool Walk(ulong root, ulong address, out ulong frame, out bool writable)
    {
        frame = 0;
        writable = true;
        ulong table = root;
        for (int level = MappingTable.Levels - 1; level >= 0; level--)
        {
            ulong entry = ((ulong*)Machine.PhysicalToVirtual(table))[MappingTable.EntryIndex(address, level)];
            if (!Decode(entry, out ulong target, out bool entryWritable, out bool user) || !user)
            {
                return false;
            }

            writable &= entryWritable;
            table = target;
        }

        frame = table;
        return true;
    }
}
