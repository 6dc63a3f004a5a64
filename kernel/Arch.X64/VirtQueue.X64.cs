using System.Runtime.InteropServices;
using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.Memory;

namespace CapOS.Kernel.Arch.X64;

/// <summary>One descriptor of a split virtqueue (virtio 1.x §2.7.5). Written by the driver only.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct VirtqDescriptor
{
    public const ushort FlagNext = 1;
    public const ushort FlagDeviceWrites = 2;

    public ulong Address;
    public uint Length;
    public ushort Flags;
    public ushort Next;
}

/// <summary>
/// A split virtqueue (virtio 1.x §2.7) in two allocator pages: the descriptor table (16 bytes
/// x at most 256 entries) in one, the available ring (at offset 0) and the used ring (at
/// <see cref="UsedOffset"/>) in the other. Free descriptors form a list through their Next
/// fields. docs/io.md "The virtio-blk driver".
/// </summary>
/// <remarks>
/// I5: every descriptor is either on the free list or in exactly one chain the device owns;
/// <see cref="FreeCount"/> counts the free list.
/// I6: <see cref="NextAvail"/> - <see cref="LastUsed"/> (mod 2^16) chains are in the device's hands, never more than <see cref="Size"/>.
/// Both are checked by Panic.Assert (FreeChain, Publish) and exercised by the boot tests (tests/System.Tests/DiskTests.cs).
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct VirtQueue
{
    public const int MaxSize = 256;
    public const int UsedOffset = 1024;

    /// <summary>Entries; a power of two up to <see cref="MaxSize"/>, set at initialization.</summary>
    public ushort Size;

    /// <summary>Descriptors on the free list (I5).</summary>
    public ushort FreeCount;

    /// <summary>First free descriptor.</summary>
    public ushort FreeHead;

    /// <summary>The used-ring index up to which completions have been reaped.</summary>
    public ushort LastUsed;

    /// <summary>The driver's copy of the available-ring index.</summary>
    public ushort NextAvail;

    public VirtqDescriptor* Descriptors;

    /// <summary>flags, idx, ring[Size], used_event (u16 each).</summary>
    public ushort* Avail;

    /// <summary>flags, idx (u16 each), then ring[Size] of (id u32, len u32), avail_event.</summary>
    public ushort* Used;

    /// <summary>Takes two zeroed pages from the page allocator. False when memory is short.</summary>
    public bool Initialize(ushort size)
    {
        ulong table = PageAllocator.AllocateZeroedPage();
        ulong rings = PageAllocator.AllocateZeroedPage();
        if (table == 0 || rings == 0)
        {
            if (table != 0)
            {
                PageAllocator.FreePage(table);
            }

            return false;
        }

        Size = size;
        Descriptors = (VirtqDescriptor*)Paging.PhysicalToVirtual(table);
        Avail = (ushort*)Paging.PhysicalToVirtual(rings);
        Used = (ushort*)(Paging.PhysicalToVirtual(rings) + UsedOffset);
        for (int i = 0; i < size; i++)
        {
            Descriptors[i].Next = (ushort)(i + 1);
        }

        FreeHead = 0;
        FreeCount = size;
        LastUsed = 0;
        NextAvail = 0;
        return true;
    }

    public readonly ulong DescriptorsPhysical => Paging.VirtualToPhysical(Descriptors);

    public readonly ulong AvailPhysical => Paging.VirtualToPhysical(Avail);

    public readonly ulong UsedPhysical => Paging.VirtualToPhysical(Used);

    /// <summary>Takes <paramref name="count"/> linked descriptors off the free list; returns the head, or -1.</summary>
    public int AllocateChain(int count)
    {
        if (count <= 0 || count > FreeCount)
        {
            return -1;
        }

        ushort head = FreeHead;
        ushort last = head;
        for (int i = 1; i < count; i++)
        {
            last = Descriptors[last].Next;
        }

        FreeHead = Descriptors[last].Next;
        FreeCount -= (ushort)count;
        return head;
    }

    /// <summary>Returns the chain at <paramref name="head"/> (as this driver built it) to the free list.</summary>
    public void FreeChain(ushort head)
    {
        ushort last = head;
        int count = 1;
        while ((Descriptors[last].Flags & VirtqDescriptor.FlagNext) != 0 && count < Size)
        {
            last = Descriptors[last].Next;
            count++;
        }

        Panic.Assert(FreeCount + count <= Size, "virtqueue: chain freed twice (I5)");
        Descriptors[last].Next = FreeHead;
        FreeHead = head;
        FreeCount += (ushort)count;
    }

    /// <summary>Offers the chain at <paramref name="head"/> to the device (ring entry first, then the index).</summary>
    public void Publish(ushort head)
    {
        Panic.Assert(InFlight < Size, "virtqueue: more chains offered than entries (I6)");
        Mmio.Write16(&Avail[2 + (NextAvail & (Size - 1))], head);
        NextAvail++;
        Mmio.Write16(&Avail[1], NextAvail);
    }

    /// <summary>True when the device asks not to be notified (used ring flags, VIRTQ_USED_F_NO_NOTIFY).</summary>
    public readonly bool NotifySuppressed => (Mmio.Read16(&Used[0]) & 1) != 0;

    /// <summary>Takes the next completion off the used ring; false when there is none.</summary>
    public bool NextUsed(out uint id, out uint length)
    {
        if (Mmio.Read16(&Used[1]) == LastUsed)
        {
            id = 0;
            length = 0;
            return false;
        }

        uint* element = (uint*)(Used + 2) + (2 * (LastUsed & (Size - 1)));
        id = Mmio.Read32(element);
        length = Mmio.Read32(element + 1);
        LastUsed++;
        return true;
    }

    /// <summary>Chains offered and not yet reaped (I6).</summary>
    public readonly int InFlight => (ushort)(NextAvail - LastUsed);
}
