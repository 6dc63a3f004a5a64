using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Memory;
using CapOS.Kernel.Mutator;

namespace CapOS.Kernel.Boot;

/// <summary>
/// The running checkpoint on metal, after <see cref="StoreBoot"/>: writer and generation bound to the
/// recovered checkpoint, an interrupted migration redone, triggers started; with <c>mutator</c> the
/// in-kernel workload verified and run from the idle loop (docs/checkpoint.md "Triggers", docs/mutator.md).
/// </summary>
/// <remarks>
/// Options: <c>checkpoint-interval-ms=&lt;n&gt;</c> overrides the header's interval; <c>mutator</c>;
/// <c>bench=checkpoint</c> runs <see cref="CheckpointBench"/> instead of the mutator (docs/bench.md).
/// <see cref="Idle"/> is called by the scheduler's idle loop after every interrupt (timer or disk
/// completion): it pumps the checkpoint and runs a batch of mutator steps once per timer tick.
/// I1: the checkpoint's memory is one run allocated here and never returned.
/// </remarks>
public static unsafe class CheckpointBoot
{
    /// <summary>Mutator steps per timer tick.</summary>
    public const int StepsPerTick = 4;

    private static bool s_mutator;
    private static ulong s_lastTick;

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
        if (boot->HasOption("bench=checkpoint"))
        {
            CheckpointBench.Run(volume);
            return;
        }

        s_mutator = boot->HasOption("mutator") && Workload.Start(volume, Generation.Sequence);
        s_lastTick = Machine.TimerTicks();
    }

    /// <summary>The idle loop's work: pump the checkpoint; once per tick, a batch of mutator steps.</summary>
    public static void Idle()
    {
        Checkpointer.Pump();
        ulong now = Machine.TimerTicks();
        if (s_mutator && now != s_lastTick)
        {
            s_lastTick = now;
            Workload.RunSteps(StepsPerTick);
            Checkpointer.Pump();
        }
    }
}
