using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Memory;

namespace CapOS.Kernel.Boot;

/// <summary>
/// The running checkpoint on metal, after <see cref="StoreBoot"/>: writer and generation bound to the
/// recovered checkpoint, an interrupted migration redone, triggers started (docs/checkpoint.md "Triggers").
/// </summary>
/// <remarks>
/// Option: <c>checkpoint-interval-ms=&lt;n&gt;</c> overrides the header's interval.
/// <see cref="Idle"/> is called by the scheduler's idle loop after every interrupt (timer or disk
/// completion): it pumps the checkpoint. The test kernel (kernel/Testing) adds the in-kernel workloads
/// (<c>mutator</c>, <c>bench=checkpoint</c>; docs/mutator.md) through two partial methods the production
/// kernel does not implement.
/// I1: the checkpoint's memory is one run allocated here and never returned.
/// </remarks>
public static unsafe partial class CheckpointBoot
{
    /// <summary>Sets the checkpoint up after the store booted; halts when it cannot.</summary>
    public static void Run(BootInfo* boot)
    {
        VolumeHeader* volume = Store.Volume;
        uint logPages = (uint)VolumeHeader.Range(volume, VolumeLayout.FindLogRange(volume))->PageCount;
        ulong bytes = Checkpointer.RequiredBytes(logPages, CheckpointDirectory.Count);
        ulong pages = (bytes + PageAllocator.PageSize - 1) / PageAllocator.PageSize;
        ulong physical = PageAllocator.AllocateRun(pages);
        Panic.Assert(physical != 0, "no memory for the checkpoint");
        OptionStatus option = boot->TryGetNumber("checkpoint-interval-ms", out ulong interval);
        if (option != OptionStatus.Present)
        {
            interval = 0;
        }

        Panic.Assert(
            Checkpointer.Initialize(volume, Store.Header, Store.ChosenSlot, Machine.PhysicalToVirtual(physical), pages * PageAllocator.PageSize, interval),
            "checkpoint: cannot initialize");
        Checkpointer.RedoMigration();
        StartTestWorkload(boot, volume);
    }

    /// <summary>The idle loop's work: pump the checkpoint (and, in the test kernel, its workload).</summary>
    public static void Idle()
    {
        Checkpointer.Pump();
        RunTestWorkload();
    }

    /// <summary>Test kernel only (kernel/Testing): starts the workload the command line names.</summary>
    static partial void StartTestWorkload(BootInfo* boot, VolumeHeader* volume);

    /// <summary>Test kernel only (kernel/Testing): the workload's share of the idle loop.</summary>
    static partial void RunTestWorkload();
}
