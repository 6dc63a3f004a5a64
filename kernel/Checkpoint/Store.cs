using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Io;
using CapOS.Kernel.ObjectCache;

namespace CapOS.Kernel.Checkpoint;

/// <summary>
/// The persistent store at boot: recovery (<see cref="Recovery"/>), then the object cache reading
/// through the recovered directory, with the serial lines of the boot contract (docs/recovery.md
/// "Serial lines", "Boot sequence on metal").
/// </summary>
/// <remarks>
/// Memory, all from the caller, 4 KiB aligned: page 0 the volume header, pages 1 and 2 the two
/// checkpoint header slots (the chosen one stays there for the checkpoint), page 3 a scratch page,
/// then the directory (rounded up to a page), then the object cache.
/// I1: after a successful boot, <see cref="Volume"/> and <see cref="Header"/> hold validated copies
/// of what is on disk and nothing else changes them except the checkpoint's commit.
/// </remarks>
public static unsafe class Store
{
    /// <summary>Exit code when the store refuses to boot (Panic uses 3).</summary>
    public const int CannotBootExitCode = 4;

    /// <summary>Pages taken before the directory: volume header, two header slots, scratch.</summary>
    public const int FixedPages = 4;

    private static VolumeHeader* s_volume;
    private static CheckpointHeader* s_slots;
    private static byte* s_scratch;
    private static int s_chosenSlot = -1;

    /// <summary>The validated volume header (null before a successful boot).</summary>
    public static VolumeHeader* Volume => s_chosenSlot < 0 ? null : s_volume;

    /// <summary>The recovered checkpoint's header (null before a successful boot).</summary>
    public static CheckpointHeader* Header => s_chosenSlot < 0 ? null : HeaderSlot(s_chosenSlot);

    /// <summary>The header slot recovered from (0 or 1), -1 before a successful boot.</summary>
    public static int ChosenSlot => s_chosenSlot;

    /// <summary>The in-memory copy of header slot <paramref name="slot"/> as read at boot (valid or not).</summary>
    public static CheckpointHeader* HeaderSlot(int slot) => s_slots + slot;

    /// <summary>
    /// Boots the store or stops the machine: <see cref="Recover"/>, and on refusal halt with
    /// <see cref="CannotBootExitCode"/> (the message is already printed). Returns only on success.
    /// </summary>
    public static void Boot(ulong physical, ulong bytes, uint pageFrames, uint nodeFrames)
    {
        RecoveryResult result = Recover(physical, bytes, pageFrames, nodeFrames);
        if (result.Fault != RecoveryFault.None)
        {
            Machine.Halt(CannotBootExitCode);
        }
    }

    /// <summary>
    /// Recovers the last committed checkpoint and initializes the object cache in the memory
    /// [<paramref name="physical"/>, + <paramref name="bytes"/>) with the given frame counts (0: sized
    /// from the memory left). Prints the store and checkpoint lines, or "store: cannot boot: ...".
    /// </summary>
    public static RecoveryResult Recover(ulong physical, ulong bytes, uint pageFrames, uint nodeFrames)
    {
        RecoveryResult result = default;
        result.Slot = -1;
        s_chosenSlot = -1;
        if (!BlockDevice.Present())
        {
            result.Fault = RecoveryFault.NoDisk;
            StoreMessages.CannotBoot(&result);
            return result;
        }

        if (physical == 0 || (physical % DiskLayout.PageSize) != 0 || bytes < (FixedPages * (ulong)DiskLayout.PageSize))
        {
            result.Fault = RecoveryFault.OutOfMemory;
            StoreMessages.CannotBoot(&result);
            return result;
        }

        s_volume = (VolumeHeader*)Machine.PhysicalToVirtual(physical);
        s_slots = (CheckpointHeader*)(s_volume + 1);
        s_scratch = (byte*)(s_slots + 2);
        if (RecoverHeaders(&result) == RecoveryFault.None)
        {
            ulong used = FixedPages * (ulong)DiskLayout.PageSize;
            LoadDirectoryAndCache(physical + used, bytes - used, pageFrames, nodeFrames, &result);
        }

        if (result.Fault != RecoveryFault.None)
        {
            StoreMessages.CannotBoot(&result);
            return result;
        }

        s_chosenSlot = result.Slot;
        StoreMessages.Recovered(&result);
        return result;
    }

    private static RecoveryFault RecoverHeaders(RecoveryResult* result)
    {
        if (Recovery.ReadVolumeHeader(s_volume, ref *result) != RecoveryFault.None)
        {
            return result->Fault;
        }

        StoreMessages.Volume(s_volume, result);
        return Recovery.ChooseHeader(s_volume, s_slots, s_slots + 1, ref *result);
    }

    private static void LoadDirectoryAndCache(ulong physical, ulong bytes, uint pageFrames, uint nodeFrames, RecoveryResult* result)
    {
        CheckpointHeader* chosen = HeaderSlot(result->Slot);
        ulong directoryBytes = RoundUp(Recovery.DirectoryBytes(chosen));
        if (directoryBytes > bytes)
        {
            result->Fault = RecoveryFault.OutOfMemory;
            return;
        }

        byte* directory = Machine.PhysicalToVirtual(physical);
        if (Recovery.LoadDirectory(s_volume, chosen, directory, directoryBytes, s_scratch, ref *result) != RecoveryFault.None
            || Recovery.VerifyImages(s_volume, s_scratch, ref *result) != RecoveryFault.None)
        {
            return;
        }

        ulong cacheBytes = bytes - directoryBytes;
        if (pageFrames == 0 || nodeFrames == 0)
        {
            ChooseFrameCounts(cacheBytes, ref pageFrames, ref nodeFrames);
        }

        if (!Cache.Initialize(physical + directoryBytes, cacheBytes, pageFrames, nodeFrames, s_volume))
        {
            result->Fault = RecoveryFault.OutOfMemory;
        }
    }

    /// <summary>Splits <paramref name="bytes"/> between frames: an eighth for nodes, the rest for pages.</summary>
    public static void ChooseFrameCounts(ulong bytes, ref uint pageFrames, ref uint nodeFrames)
    {
        ulong perNode = NodeTree.Node.Size + ObjectHeader.Size + 8;
        ulong perPage = DiskLayout.PageSize + ObjectHeader.Size + 8;
        ulong fixedBytes = Cache.FixedBytes;
        if (bytes <= fixedBytes + perNode + perPage)
        {
            pageFrames = 0;
            nodeFrames = 0;
            return;
        }

        ulong rest = bytes - fixedBytes;
        ulong nodes = System.Math.Max(rest / 8 / perNode, 1UL);
        ulong pages = (rest - (nodes * perNode)) / perPage;
        nodeFrames = (uint)System.Math.Min(nodes, 0x1000000UL);
        pageFrames = (uint)System.Math.Min(pages, 0x1000000UL);
    }

    private static ulong RoundUp(ulong bytes) => (bytes + DiskLayout.PageSize - 1) & ~(ulong)(DiskLayout.PageSize - 1);
}
