using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Testing.Mutator;

namespace CapOS.Kernel.Boot;

/// <summary>
/// Test kernel half of <see cref="CheckpointBoot"/>: with <c>mutator</c> the in-kernel workload is verified
/// and run from the idle loop (docs/mutator.md); <c>bench=checkpoint</c> runs <see cref="CheckpointBench"/>
/// instead (docs/bench.md). Only the test kernel (CapOS.Kernel.Testing.csproj) and the host build compile this file.
/// </summary>
public static unsafe partial class CheckpointBoot
{
    /// <summary>Mutator steps per timer tick.</summary>
    public const int StepsPerTick = 4;

    /// <summary>True once the mutator started; set at boot only.</summary>
    private static bool s_mutator;

    /// <summary>The timer tick of the last batch of mutator steps; changed by the idle loop only.</summary>
    private static ulong s_lastTick;

    static partial void StartTestWorkload(BootInfo* boot, VolumeHeader* volume)
    {
        if (boot->HasOption("bench=checkpoint"))
        {
            CheckpointBench.Run(volume);
            return;
        }

        s_mutator = boot->HasOption("mutator") && Workload.Start(volume, Generation.Sequence);
        s_lastTick = Machine.TimerTicks();
    }

    /// <summary>Once per timer tick, a batch of mutator steps.</summary>
    static partial void RunTestWorkload()
    {
        ulong now = Machine.TimerTicks();
        if (s_mutator && now != s_lastTick)
        {
            s_lastTick = now;
            Workload.RunSteps(StepsPerTick);
            Checkpointer.Pump();
        }
    }
}
