using System;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Host;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using Xunit;

namespace CapOS.Kernel.Tests.Checkpoint;

/// <summary>
/// A booted store with the running checkpoint on a simulated machine and disk: recovery
/// (Store.Recover), Checkpointer.Initialize, re-migration; helpers to dirty objects the way kernel
/// operations do (MarkDirty, then change) and to read them back.
/// </summary>
internal sealed unsafe class CheckpointerTestRig : IDisposable
{
    public const ulong CheckpointAt = 0x1000000;
    public const ulong CheckpointBytes = 8UL * 1024 * 1024;

    public CheckpointerTestRig(byte[] image, uint pageFrames = 32, uint nodeFrames = 32, Action<SimulatedDisk>? configure = null, bool redoMustSucceed = true)
    {
        Machine = TestStore.Machine();
        Disk = new SimulatedDisk(image);
        configure?.Invoke(Disk);
        RecoveryResult result = Store.Recover(TestStore.MemoryAt, TestStore.MemoryBytes, pageFrames, nodeFrames);
        Assert.Equal(RecoveryFault.None, result.Fault);
        Recovered = result.Sequence;
        Assert.True(Checkpointer.Initialize(Store.Volume, Store.Header, Store.ChosenSlot, Machine.MemoryBase + CheckpointAt, CheckpointBytes, 0));
        Checkpointer.SetInterval(0);
        bool redone = Checkpointer.RedoMigration();
        Assert.True(redone || !redoMustSucceed, Machine.ConsoleText);
    }

    public SimulatedMachine Machine { get; }

    public SimulatedDisk Disk { get; }

    public ulong Recovered { get; }

    public static ObjectHeader* Page(Oid oid)
    {
        Assert.Equal(CacheResult.Ok, Cache.GetPage(oid, out ObjectHeader* frame));
        return frame;
    }

    public static ObjectHeader* Node(Oid oid)
    {
        Assert.Equal(CacheResult.Ok, Cache.GetNode(oid, out ObjectHeader* frame));
        return frame;
    }

    /// <summary>Fills page <paramref name="oid"/> with <paramref name="value"/> (0: a zero page). False when the reservation refused.</summary>
    public static bool WritePage(Oid oid, byte value)
    {
        ObjectHeader* frame = Page(oid);
        if (!Cache.MarkDirty(frame))
        {
            return false;
        }

        new Span<byte>(Cache.PageData(frame), DiskLayout.PageSize).Fill(value);
        return true;
    }

    public static byte PageByte(Oid oid, int offset = 0) => Cache.PageData(Page(oid))[offset];

    /// <summary>Puts a number key holding <paramref name="value"/> into <paramref name="slot"/> of node <paramref name="oid"/>.</summary>
    public static bool SetNumber(Oid oid, int slot, uint value)
    {
        ObjectHeader* frame = Node(oid);
        if (!Cache.MarkDirty(frame))
        {
            return false;
        }

        Key* key = global::CapOS.Kernel.NodeTree.Node.Slot(Cache.NodeBody(frame), slot);
        Cache.UnprepareKey(key);
        *key = Key.Number(value, 0, 0);
        return true;
    }

    public static uint NumberAt(Oid oid, int slot) =>
        global::CapOS.Kernel.NodeTree.Node.Slot(Cache.NodeBody(Node(oid)), slot)->Word(0);

    /// <summary>Takes a checkpoint now and pumps until it is committed and migrated. Returns its sequence.</summary>
    public static ulong Checkpoint()
    {
        ulong sequence = Checkpointer.TakeCheckpoint();
        Assert.NotEqual(0UL, sequence);
        Checkpointer.Drain();
        Assert.False(Checkpointer.Writing);
        Assert.Equal(sequence, Generation.Sequence);
        return sequence;
    }

    /// <summary>
    /// Pumps until the snapshot taken last is built (its frozen objects recorded, everything with the writer,
    /// the writer stabilized; docs/checkpoint.md "The pause"): what TakeCheckpoint did at once before.
    /// </summary>
    public static void BuildSnapshot()
    {
        for (int i = 0; i < 100000 && Checkpointer.Building; i++)
        {
            Checkpointer.Pump();
        }

        Assert.False(Checkpointer.Building);
    }

    /// <summary>Pumps until the checkpoint being written committed (migration may still run).</summary>
    public static void PumpUntilCommitted()
    {
        for (int i = 0; i < 100000 && Checkpointer.Writing; i++)
        {
            Checkpointer.Pump();
        }

        Assert.False(Checkpointer.Writing);
    }

    public void Dispose() => Machine.Dispose();
}
