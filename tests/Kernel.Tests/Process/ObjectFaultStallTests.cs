using System;
using System.Collections.Generic;
using CapOS.Kernel.Arch.X64;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.Host;
using CapOS.Kernel.Invocation;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;
using CapOS.Kernel.Tests.Checkpoint;
using CapOS.Kernel.Tests.ObjectCache;
using Xunit;

namespace CapOS.Kernel.Tests.Process;

/// <summary>
/// Object faults on behalf of processes are asynchronous (docs/process.md "Atomic kernel operations and stall
/// queues", Stall I3; docs/object-cache.md I12, I13): the process stalls on the object's read, the completion
/// wakes it, and it re-executes its operation; over a simulated disk that holds reads until the test completes them.
/// </summary>
public sealed unsafe class ObjectFaultStallTests
{
    private const ulong FaultingPc = 0x401234;
    private const ulong Address = 0x10;

    [Fact]
    public void APageFaultOnANonResidentPageStallsTheProcessAndTheCompletionWakesIt()
    {
        var processes = Shared(3, out Oid page); // the third never faults: the scheduler always has one to run
        using var rig = processes.Boot();
        ProcessEntry* a = processes.Entry(0);
        ProcessEntry* b = processes.Entry(1);
        rig.Disk.HoldReads = true;
        long reads = rig.Disk.ReadCount;

        Assert.Equal(PageFaultResult.StallObject, Fault(a));
        Assert.Equal(StallReason.ObjectRead, a->Stalled);
        Assert.False(a->Runnable);
        Assert.Equal(PageFaultResult.StallObject, Fault(b)); // the same page: joins the read
        Assert.Equal(StallReason.ObjectRead, b->Stalled);
        Assert.Equal(2, Stall.CountRead(Cache.LastPendingRead));
        Assert.Equal(1, rig.Disk.HeldReadCount); // no second read
        Assert.Null(rig.Machine.Mmu.Access(a->AddressSpace, Address, false)); // nothing installed
        Assert.True(ProcessTable.SelectNext() == processes.Entry(2));

        UserMode.Entered.Clear();
        Scheduler.OnUserInterrupt(); // the read is still on the disk: nobody wakes
        Assert.False(a->Runnable || b->Runnable);
        rig.Disk.CompleteHeldReads();
        Scheduler.OnUserInterrupt(); // the background work: the read completes, both wake
        Assert.True(a->Runnable && b->Runnable);
        Assert.Equal(2, UserMode.Entered.Count);
        Assert.Equal(reads + 1, rig.Disk.ReadCount);

        Assert.Equal(PageFaultResult.Mapped, Fault(a)); // the retried fault maps the page
        Assert.Equal(PageFaultResult.Mapped, Fault(b));
        ulong? reached = rig.Machine.Mmu.Access(a->AddressSpace, Address, false);
        Assert.NotNull(reached);
        Assert.Equal((byte)0x5A, rig.Machine.MemoryBase[reached.Value]);
        Assert.Equal(reached, rig.Machine.Mmu.Access(b->AddressSpace, Address, false));
        Assert.True(Cache.Lookup(page) != null);
    }

    [Fact]
    public void WaitingForTheDiskIsNotIdling()
    {
        var processes = Shared(1, out _);
        using var rig = processes.Boot();
        ProcessEntry* a = processes.Entry(0);
        Assert.True(ProcessTable.SelectNext() == a);
        Assert.Equal(PageFaultResult.StallObject, Fault(a));
        UserMode.Entered.Clear();

        Scheduler.Start(exitWhenIdle: true); // nothing runnable: the idle loop completes the read, wakes a and runs it
        Assert.Equal([a->Pid], UserMode.Entered);
        Assert.DoesNotContain("kernel: idle", rig.Machine.ConsoleText); // the serial contract: idle means nothing to wait for
    }

    [Fact]
    public void AFailedReadWakesEveryWaiterAndEachIsParkedWithItsLine()
    {
        var processes = Shared(2, out _);
        using var rig = processes.Boot();
        ProcessEntry* a = processes.Entry(0);
        ProcessEntry* b = processes.Entry(1);
        rig.Disk.HoldReads = true;
        rig.Disk.FailRead = rig.Disk.ReadCount + 1;
        Assert.Equal(PageFaultResult.StallObject, Fault(a));
        Assert.Equal(PageFaultResult.StallObject, Fault(b));

        rig.Disk.CompleteHeldReads();
        Assert.Equal(1, Cache.CompleteReads());
        Assert.True(a->Runnable && b->Runnable); // never a hang

        Assert.Equal(PageFaultResult.StallObject, Fault(a)); // the retry reports the failure as a synchronous fault did
        Assert.Equal(PageFaultResult.StallObject, Fault(b));
        Assert.Equal(FaultCode.ObjectUnavailable, a->FaultCode);
        Assert.Equal(FaultCode.ObjectUnavailable, b->FaultCode);
        Assert.Equal(StallReason.None, a->Stalled);
        string console = rig.Machine.ConsoleText;
        Assert.Contains($"fault: process 1 root={Hex(processes.Root(0))} object unavailable 0x10 (read; object fault): disk read error pc=0x{FaultingPc:x}; parked", console);
        Assert.Contains($"fault: process 2 root={Hex(processes.Root(1))} object unavailable 0x10 (read; object fault): disk read error pc=0x{FaultingPc:x}; parked", console);
        Assert.Equal(0, rig.Disk.HeldReadCount);
    }

    [Fact]
    public void AnInvocationThatCopiesFromANonResidentPageStallsAndIsRestarted()
    {
        var processes = Shared(1, out _, "hello"u8.ToArray());
        using var rig = processes.Boot();
        ProcessEntry* invoker = processes.Entry(0);
        Assert.True(ProcessTable.SelectNext() == invoker);
        SimulatedUserWindow.Bytes = null; // the copy goes through the process's address space
        rig.Disk.HoldReads = true;
        InvocationArguments arguments = default;
        arguments.KeyRegister = 1;
        arguments.Order = ConsoleOrder.WriteLine;
        arguments.StringAddress = Address;
        arguments.StringLength = 5;
        InvocationReply reply;

        Assert.Equal(DispatchOutcome.Stalled, Dispatcher.Dispatch(invoker, &arguments, &reply));
        Assert.Equal(StallReason.ObjectRead, invoker->Stalled);
        Assert.DoesNotContain("user[1]", rig.Machine.ConsoleText); // abandoned with no visible effect

        rig.Disk.CompleteHeldReads();
        Assert.Equal(1, Cache.CompleteReads());
        Assert.True(ProcessTable.SelectNext() == invoker);
        Assert.Equal(DispatchOutcome.Reply, Dispatcher.Dispatch(invoker, &arguments, &reply)); // the invocation again
        Assert.Equal(InvocationResult.Ok, reply.Result);
        Assert.Contains("user[1]: hello\n", rig.Machine.ConsoleText);
    }

    [Fact]
    public void AStalledProcessWrittenBackByASnapshotRestartsAndReExecutesItsFault()
    {
        var processes = Shared(1, out Oid page);
        byte[] image;
        using (var rig = processes.Boot())
        {
            ProcessEntry* a = processes.Entry(0);
            rig.Disk.HoldReads = true;
            Assert.Equal(PageFaultResult.StallObject, Fault(a));
            CheckpointerTestRig.Checkpoint(); // the snapshot writes the stalled process back: Running, pc on the fault
            Assert.Equal(StallReason.ObjectRead, a->Stalled); // the read completed on the disk but not in the kernel yet
            image = rig.Disk.SurvivingImage(); // the machine stops here
        }

        using var again = processes.Boot(image); // recovery, then the restart list
        ProcessEntry* restarted = processes.Entry(0);
        Assert.Contains($"proc: 1 resumed root={Hex(processes.Root(0))} state=running pc=0x{FaultingPc:x}", again.Machine.ConsoleText);
        Assert.True(restarted->Runnable); // the stall was kernel state: it simply executes the faulting access again
        Assert.True(Cache.Lookup(page) == null);
        Assert.Equal(PageFaultResult.Mapped, SpaceRig.Fault(((ulong)restarted->RootFrame, Root(restarted)), Address, false));
        Assert.Equal((byte)0x5A, again.Machine.MemoryBase[again.Machine.Mmu.Access(restarted->AddressSpace, Address, false)!.Value]);
    }

    /// <summary>
    /// <paramref name="count"/> processes whose address space is one page key to a logged page (every byte 0x5A,
    /// or <paramref name="text"/> at <see cref="Address"/>), their saved pc on the faulting instruction.
    /// </summary>
    internal static StoredProcesses Shared(int count, out Oid page, byte[]? text = null)
    {
        var processes = new StoredProcesses();
        Oid shared = processes.FreePage(0);
        page = shared;
        var data = new byte[4096];
        Array.Fill(data, (byte)0x5A);
        text?.CopyTo(data, (int)Address);
        processes.Builder.LogPage(shared, data);
        for (int i = 0; i < count; i++)
        {
            processes.Add(RunState.Running, change: root => root.With(ProcessRoot.AddressSpace, Key.Object(KeyType.Page, shared, 0, KeyRights.None, 0)));
        }

        return processes;
    }

    /// <summary>The page fault at <see cref="Address"/> as the trap path takes it: pc saved on the faulting instruction.</summary>
    internal static PageFaultResult Fault(ProcessEntry* process, ulong address = Address)
    {
        ((RegisterAnnex*)process->Context)->Rip = FaultingPc;
        process->Flags |= ProcessFlags.ContextChanged;
        return UserFaults.OnPageFault(process, address, isWrite: false);
    }

    private static ulong Root(ProcessEntry* process)
    {
        Assert.True(UserFaults.EnsureRoot(process));
        return process->AddressSpace;
    }

    private static string Hex(Oid oid) => $"0x{oid.Value:x}";
}
