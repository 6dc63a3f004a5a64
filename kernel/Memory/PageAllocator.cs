using System.Runtime.InteropServices;
using CapOS.Kernel.Boot;
using CapOS.Kernel.Diagnostics;

namespace CapOS.Kernel.Memory;

/// <summary>
/// The physical page allocator: one bit per 4 KiB page frame up to the highest usable
/// address in the memory map (1 = in use or not RAM, 0 = free). The kernel's own
/// tables (process table, page tables, the store's run for the object cache) come from here; it is
/// not the space bank, which allocates persistent objects. docs/boot.md "Physical memory".
/// </summary>
/// <remarks>
/// The bitmap lives in the first usable run of free pages large enough for it and
/// marks itself in use. Invariants:
/// (I1) a frame is free only if it lies wholly inside a usable region, at or above
///      BootInfo.LowMemoryLimit, and outside every reserved range and every module;
/// (I2) FreePages equals the number of clear bits;
/// (I3) a frame is freed only while allocated (no double free) — Panic.Assert in FreePage.
/// I1 and I2 are checked by tests (tests/Kernel.Tests/Memory/PageAllocatorTests.cs).
/// </remarks>
public static unsafe class PageAllocator
{
    public const ulong PageSize = 4096;

    private static byte* s_bitmap;
    private static ulong s_frameCount;
    private static ulong s_freePages;
    private static ulong s_searchHint;

    /// <summary>Page frames free now.</summary>
    public static ulong FreePages => s_freePages;

    /// <summary>Page frames the bitmap covers (highest usable address / 4 KiB).</summary>
    public static ulong FrameCount => s_frameCount;

    /// <summary>Builds the bitmap from <paramref name="boot"/>. Returns false when no room for it exists.</summary>
    public static bool Initialize(BootInfo* boot)
    {
        ulong top = 0;
        for (int i = 0; i < boot->RegionCount; i++)
        {
            MemoryRegion region = boot->Region(i);
            if (region.Kind == MemoryKind.Usable && region.End > top)
            {
                top = region.End;
            }
        }

        s_frameCount = top / PageSize;
        s_freePages = 0;
        s_searchHint = 0;
        s_bitmap = null;
        ulong bitmapBytes = (s_frameCount + 7) / 8;
        ulong bitmapPages = (bitmapBytes + PageSize - 1) / PageSize;
        ulong bitmapFrame = FindRun(boot, bitmapPages);
        if (bitmapFrame == 0)
        {
            return false;
        }

        s_bitmap = Machine.PhysicalToVirtual(bitmapFrame * PageSize);
        NativeMemory.Fill(s_bitmap, (nuint)bitmapBytes, 0xFF);
        for (ulong frame = 0; frame < s_frameCount; frame++)
        {
            if (IsAvailable(boot, frame) && (frame < bitmapFrame || frame >= bitmapFrame + bitmapPages))
            {
                s_bitmap[frame / 8] &= (byte)~(1 << (int)(frame % 8));
                s_freePages++;
            }
        }

        return true;
    }

    /// <summary>Allocates one frame; returns its physical address, or 0 when none is free.</summary>
    public static ulong AllocatePage()
    {
        for (ulong n = 0; n < s_frameCount; n++)
        {
            ulong frame = (s_searchHint + n) % s_frameCount;
            if ((s_bitmap[frame / 8] & (1 << (int)(frame % 8))) == 0)
            {
                s_bitmap[frame / 8] |= (byte)(1 << (int)(frame % 8));
                s_freePages--;
                s_searchHint = frame + 1;
                return frame * PageSize;
            }
        }

        return 0;
    }

    /// <summary>Allocates one frame and clears it; returns 0 when none is free.</summary>
    public static ulong AllocateZeroedPage()
    {
        ulong physical = AllocatePage();
        if (physical != 0)
        {
            NativeMemory.Clear(Machine.PhysicalToVirtual(physical), (nuint)PageSize);
        }

        return physical;
    }

    /// <summary>
    /// Allocates <paramref name="pages"/> physically contiguous frames (first fit from the lowest
    /// address); returns the physical address of the first, or 0 when no free run is that long.
    /// The object cache and the store take their memory this way (docs/recovery.md "Boot sequence on metal").
    /// </summary>
    public static ulong AllocateRun(ulong pages)
    {
        if (pages == 0 || pages > s_freePages)
        {
            return 0;
        }

        ulong runStart = 0;
        ulong runLength = 0;
        for (ulong frame = 0; frame < s_frameCount; frame++)
        {
            if (IsFrameAllocated(frame))
            {
                runLength = 0;
                continue;
            }

            if (runLength == 0)
            {
                runStart = frame;
            }

            if (++runLength == pages)
            {
                for (ulong taken = runStart; taken < runStart + pages; taken++)
                {
                    s_bitmap[taken / 8] |= (byte)(1 << (int)(taken % 8));
                }

                s_freePages -= pages;
                return runStart * PageSize;
            }
        }

        return 0;
    }

    /// <summary>Returns a run obtained from <see cref="AllocateRun"/> (each frame must be allocated: I3).</summary>
    public static void FreeRun(ulong physical, ulong pages)
    {
        for (ulong i = 0; i < pages; i++)
        {
            FreePage(physical + (i * PageSize));
        }
    }

    /// <summary>Returns a frame obtained from <see cref="AllocatePage"/>.</summary>
    public static void FreePage(ulong physical)
    {
        ulong frame = physical / PageSize;
        Panic.Assert(physical % PageSize == 0 && frame < s_frameCount, "FreePage: not a page frame");
        Panic.Assert(IsAllocated(physical), "FreePage: frame is not allocated (I3)");
        s_bitmap[frame / 8] &= (byte)~(1 << (int)(frame % 8));
        s_freePages++;
    }

    /// <summary>True when the frame at <paramref name="physical"/> is in use (or not RAM).</summary>
    public static bool IsAllocated(ulong physical)
    {
        ulong frame = physical / PageSize;
        return frame >= s_frameCount || (s_bitmap[frame / 8] & (1 << (int)(frame % 8))) != 0;
    }

    private static bool IsFrameAllocated(ulong frame) => (s_bitmap[frame / 8] & (1 << (int)(frame % 8))) != 0;

    /// <summary>I1 for one frame: inside a usable region, above low memory, outside reserved ranges and modules.</summary>
    public static bool IsAvailable(BootInfo* boot, ulong frame)
    {
        ulong start = frame * PageSize;
        ulong end = start + PageSize;
        if (start < BootInfo.LowMemoryLimit)
        {
            return false;
        }

        bool usable = false;
        for (int i = 0; i < boot->RegionCount; i++)
        {
            MemoryRegion region = boot->Region(i);
            if (start < region.End && end > region.Base)
            {
                if (region.Kind != MemoryKind.Usable)
                {
                    return false; // overlapping reserved region wins
                }

                usable |= start >= region.Base && end <= region.End;
            }
        }

        if (!usable)
        {
            return false;
        }

        for (int i = 0; i < boot->ReservedCount; i++)
        {
            if (start < boot->ReservedEnd(i) && end > boot->ReservedStart(i))
            {
                return false;
            }
        }

        for (int i = 0; i < boot->ModuleCount; i++)
        {
            if (start < boot->ModuleEnd(i) && end > boot->ModuleStart(i))
            {
                return false;
            }
        }

        return true;
    }

    private static ulong FindRun(BootInfo* boot, ulong pages)
    {
        ulong runStart = 0;
        ulong runLength = 0;
        for (ulong frame = 0; frame < s_frameCount; frame++)
        {
            if (IsAvailable(boot, frame))
            {
                if (runLength == 0)
                {
                    runStart = frame;
                }

                runLength++;
                if (runLength == pages)
                {
                    return runStart;
                }
            }
            else
            {
                runLength = 0;
            }
        }

        return 0;
    }
}
