using System;
using System.Runtime.InteropServices;
using CapOS.Kernel.Arch.X64;
using CapOS.Kernel.Boot;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Memory;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;
using CapOS.Kernel.Tests.Checkpoint;
using Xunit;

namespace CapOS.Kernel.Tests.Process;

/// <summary>
/// The process table as a cache of process nodes (docs/process.md P1-P4, C6): a process is loaded from its
/// root, key registers node and annex page, written back before every snapshot, named on the restart list,
/// and after a crash and recovery resumes with the registers the checkpoint captured.
/// </summary>
public sealed unsafe class ProcessTableTests
{
    private const ulong StartPc = StoredProcesses.StartPc;

    private static readonly StoredProcesses Shape = new StoredProcesses().Add(RunState.Running);
    private static readonly Oid Root = Shape.Root(0);
    private static readonly Oid Annex = Shape.Annex(0);

    [Fact]
    public void EntriesKeepTheirContextAlignedForTheMachine()
    {
        Assert.Equal(1152, sizeof(ProcessEntry)); // ProcessEntry I1
        Assert.Equal(0, sizeof(ProcessEntry) % 64);
        Assert.Equal(0, (int)Marshal.OffsetOf<ProcessEntry>(nameof(ProcessEntry.Context)));
    }

    [Fact]
    public void TheBootTableHoldsEveryProcessARestartListCanName()
    {
        Assert.True(Startup.ProcessTablePages * 4096 / sizeof(ProcessEntry) >= CheckpointHeader.RestartCapacity); // I5
    }

    [Fact]
    public void RestartLoadsTheProcessFromItsNodesAndPinsThem()
    {
        using var rig = Boot(ProcessImage(RunState.Running));

        Assert.Equal(1u, ProcessTable.Restart(Store.Header));

        ProcessEntry* entry = ProcessTable.Find(Root);
        Assert.True(entry != null && entry->Runnable);
        Assert.Equal(StartPc, UserMode.ProgramCounter(entry));
        Assert.True(entry->RootFrame->IsPinned && entry->KeyRegistersFrame->IsPinned && entry->AnnexFrame->IsPinned); // P2
        Assert.True(entry->KeyRegister(0) == null); // P1: register 0 reads as void
        Assert.Equal(KeyType.Console, entry->KeyRegister(1)->Type);
        Assert.True(rig.Machine.ConsoleText.Contains("proc: 1 resumed root=0x100000 state=running pc=0x401000", StringComparison.Ordinal), rig.Machine.ConsoleText);
    }

    [Fact]
    public void RegistersSurviveACheckpointACrashAndRecovery()
    {
        byte[] disk;
        using (var rig = Boot(ProcessImage(RunState.Running)))
        {
            ProcessTable.Restart(Store.Header);
            ProcessEntry* entry = ProcessTable.Find(Root);
            UserMode.Run(entry, 0x402345, 0xC0FFEE);
            ProcessTable.Park(entry, FaultCode.InvalidAddress, 0xDEAD0000);

            CheckpointerTestRig.Checkpoint();

            Assert.Equal(0x402345UL, ((RegisterAnnex*)Cache.PageData(CheckpointerTestRig.Page(Annex)))->Rip); // P3
            UserMode.Run(entry, 0x409999, 1); // after the snapshot: lost in the crash
            disk = (byte[])rig.Disk.Image.Clone();
        }

        using var after = Boot(disk);
        Assert.Equal(1u, ProcessTable.Restart(Store.Header));
        ProcessEntry* resumed = ProcessTable.Find(Root);
        Assert.Equal(0x402345UL, UserMode.ProgramCounter(resumed));
        Assert.Equal(0xC0FFEEUL, ((RegisterAnnex*)resumed->Context)->Rax);
        Assert.Equal(FaultCode.InvalidAddress, resumed->FaultCode);
        Assert.Equal(0xDEAD0000UL, resumed->FaultInfo);
        Assert.False(resumed->Runnable); // parked: its fault came back with it
    }

    [Fact]
    public void TheRestartListNamesRunningAndWaitingProcessesOnly()
    {
        using var rig = Boot(ProcessImage(RunState.Available));
        Assert.Equal(LoadResult.Ok, ProcessTable.Load(Root, 0, FaultMode.Synchronous, out ProcessEntry* entry));

        CheckpointerTestRig.Checkpoint();
        Assert.Equal(0u, Generation.Current->RestartCount); // P4: Available waits for a message

        entry->State = RunState.Running;
        entry->Flags |= ProcessFlags.StateChanged;
        CheckpointerTestRig.Checkpoint();
        Assert.Equal(1u, Generation.Current->RestartCount);
        Assert.Equal(Root, CheckpointHeader.Restart(Generation.Current, 0)->Oid);
    }

    [Fact]
    public void AMalformedRootIsNamedAndNothingStaysPinned()
    {
        using var rig = Boot(ProcessImage(RunState.Running, root => root.With(ProcessRoot.Brand + 1, Key.Kernel(KeyType.Console, 0))));

        Assert.Equal(0u, ProcessTable.Restart(Store.Header));

        Assert.Contains("proc: cannot resume root=0x100000: malformed process root (slot 7)", rig.Machine.ConsoleText);
        Assert.False(CheckpointerTestRig.Node(Root)->IsPinned);
        Assert.True(ProcessTable.Find(Root) == null);
    }

    [Fact]
    public void ARescindedRootIsNotResumed()
    {
        using var rig = Boot(ProcessImage(RunState.Running, restartAllocCount: 1));

        Assert.Equal(0u, ProcessTable.Restart(Store.Header));
        Assert.Contains("proc: cannot resume root=0x100000: rescinded", rig.Machine.ConsoleText);
    }

    [Fact]
    public void TheConsistencyCheckCatchesAProcessThatDisagreesWithItsRoot()
    {
        using var rig = Boot(ProcessImage(RunState.Running));
        ProcessTable.Restart(Store.Header);
        Assert.Equal(CheckFailure.None, ConsistencyCheck.RunStructural());

        ProcessEntry* entry = ProcessTable.Find(Root);
        entry->FaultCode = FaultCode.Halted; // changed without StateChanged: never written back

        Assert.Equal(CheckFailure.ProcessInconsistent, ConsistencyCheck.RunStructural()); // C6
        Assert.Equal(Root, ConsistencyCheck.FailedOid);
    }

    [Fact]
    public void WriteBackAlwaysFindsLogRoomKeptForIt()
    {
        using var rig = Boot(ProcessImage(RunState.Running));
        ProcessTable.Restart(Store.Header);
        Assert.Equal(1u, Reservation.HeadroomProcesses);
        int written = 0;
        for (ulong i = 1; i < 300 && CheckpointerTestRig.WritePage(Shape.FreePage(i), 7); i++)
        {
            written++; // ordinary dirtying until the reservation refuses
        }

        Assert.True(written < 299, "the log must fill up for this test to mean anything");
        ProcessEntry* entry = ProcessTable.Find(Root);
        UserMode.Run(entry, 0x405000, 2);

        Assert.True(ProcessTable.WriteBack(entry)); // Reservation I3, LogSpace I2
    }

    private static byte[] ProcessImage(RunState state, Func<VolumeBuilder.NodeModel, VolumeBuilder.NodeModel>? change = null, uint restartAllocCount = 0) =>
        new StoredProcesses(logPages: 64).Add(state, change: change, restartAllocCount: restartAllocCount).Build();

    private static CheckpointerTestRig Boot(byte[] image) => new StoredProcesses().Boot(image, restart: false);
}

/// <summary>Reclaiming entries of processes that are not running (ProcessTable I9).</summary>
public sealed unsafe class ProcessTableReclaimTests
{
    [Fact]
    public void AFullTableReclaimsProcessesThatAreNotRunning()
    {
        var processes = new StoredProcesses();
        processes.Add(RunState.Running);
        for (int i = 1; i < 30; i++)
        {
            processes.Add(RunState.Available);
        }

        using var rig = processes.Boot(restart: false);
        int capacity = ProcessTable.Capacity;
        Assert.True(capacity < 30);
        Assert.Equal(LoadResult.Ok, ProcessTable.Load(processes.Root(0), 0, CapOS.Kernel.ObjectCache.FaultMode.Synchronous, out ProcessEntry* running));
        for (int i = 1; i < 30; i++)
        {
            Assert.Equal(LoadResult.Ok, ProcessTable.Load(processes.Root(i), 0, CapOS.Kernel.ObjectCache.FaultMode.Synchronous, out ProcessEntry* entry));
            Assert.Equal(RunState.Available, entry->State);
        }

        Assert.True(ProcessTable.Find(processes.Root(0)) == running); // I5: never reclaimed while Running
        Assert.True(ProcessTable.Find(processes.Root(29)) != null);
        Assert.True(ProcessTable.Find(processes.Root(1)) == null); // the oldest Available one went first
    }

    [Fact]
    public void ATableOfRunningProcessesReclaimsNothing()
    {
        var processes = new StoredProcesses();
        for (int i = 0; i < 30; i++)
        {
            processes.Add(RunState.Running);
        }

        using var rig = processes.Boot(restart: false);
        LoadResult last = LoadResult.Ok;
        for (int i = 0; i < 30 && last == LoadResult.Ok; i++)
        {
            last = ProcessTable.Load(processes.Root(i), 0, CapOS.Kernel.ObjectCache.FaultMode.Synchronous, out _);
        }

        Assert.Equal(LoadResult.TableFull, last);
    }
}
