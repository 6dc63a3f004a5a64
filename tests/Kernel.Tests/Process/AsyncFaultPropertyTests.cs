using System;
using System.Collections.Generic;
using CapOS.Kernel.Arch.X64;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;
using CapOS.Kernel.Tests.Checkpoint;
using CapOS.Kernel.Tests.ObjectCache;
using Xunit;

namespace CapOS.Kernel.Tests.Process;

/// <summary>
/// A seeded run of many processes faulting on the pages of one shared segment through a cache far smaller than
/// the segment, with reads completing in random order, random evictions and mapping drops (docs/object-cache.md
/// I12, I13; docs/process.md Stall I1, I3): every fault ends mapping the right page, no process is left waiting,
/// and after every step an object has one copy and a reserved frame per read in flight.
/// </summary>
public sealed unsafe class AsyncFaultPropertyTests
{
    private const int Processes = 10;
    private const int Pages = 28;

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(2024)]
    public void ManyStalledProcessesUnderEvictionLoseNothing(int seed)
    {
        var processes = new StoredProcesses();
        VolumeBuilder builder = processes.Builder;
        Oid segment = builder.NodeOid(60);
        var node = new VolumeBuilder.NodeModel();
        for (int i = 0; i < Pages; i++)
        {
            var data = new byte[4096];
            Array.Fill(data, (byte)(i + 1));
            builder.LogPage(processes.FreePage((ulong)i), data);
            node.With(i, Key.Object(KeyType.Page, processes.FreePage((ulong)i), 0, KeyRights.None, 0));
        }

        builder.LogNode(segment, node);
        for (int i = 0; i < Processes; i++)
        {
            processes.Add(RunState.Running, change: root => root.With(ProcessRoot.AddressSpace, Key.Object(KeyType.Segment, segment, 0, KeyRights.None, 1)));
        }

        using var rig = processes.Boot(pageFrames: Processes + 10, nodeFrames: 32); // the annexes are pinned: 10 frames for 28 pages
        rig.Disk.HoldReads = true;
        var random = new Random(seed);
        var outstanding = new ulong?[Processes];
        int mapped = 0;
        for (int step = 0; step < 3000; step++)
        {
            int action = random.Next(10);
            if (action < 5)
            {
                int p = random.Next(Processes);
                ulong address = outstanding[p] ?? (((ulong)random.Next(Pages) * 4096) + (ulong)random.Next(4096));
                mapped += Run(rig, processes.Entry(p), address, ref outstanding[p]) ? 1 : 0;
            }
            else if (action < 7 && rig.Disk.HeldReadCount > 0)
            {
                rig.Disk.CompleteHeldRead(random.Next(rig.Disk.HeldReadCount));
            }
            else if (action < 9)
            {
                Cache.CompleteReads();
                Checkpointer.Pump(); // frames come free and Checkpoint waiters wake when a checkpoint ends
            }
            else if (random.Next(8) == 0)
            {
                AddressSpaces.DropAll();
            }
            else
            {
                Cache.Evict(Cache.Header((uint)random.Next((int)Cache.PageFrameCount)));
            }

            Check(processes, $"seed {seed} step {step}");
        }

        for (int round = 0; round < 200 && Array.Exists(outstanding, o => o != null); round++)
        {
            rig.Disk.CompleteHeldReads();
            Cache.CompleteReads();
            Checkpointer.Pump();
            for (int p = 0; p < Processes; p++)
            {
                if (outstanding[p] is ulong address)
                {
                    mapped += Run(rig, processes.Entry(p), address, ref outstanding[p]) ? 1 : 0;
                }
            }

            Check(processes, $"seed {seed} drain {round}");
        }

        Assert.All(outstanding, o => Assert.Null(o)); // nobody left waiting
        Assert.Equal(0, Stall.Count(StallReason.ObjectRead));
        Assert.Equal(0, Cache.ReadsInFlight);
        for (int p = 0; p < Processes; p++)
        {
            Assert.Equal(0u, processes.Entry(p)->FaultCode); // nothing failed
        }

        Assert.True(mapped > 300, $"only {mapped} faults mapped");
        Assert.True(Cache.Statistics.Joins > 20, $"only {Cache.Statistics.Joins} joins");
        Assert.True(Cache.Statistics.Evictions > 100, $"only {Cache.Statistics.Evictions} evictions");
    }

    /// <summary>Process <paramref name="process"/> touches <paramref name="address"/> if it may run; true when the access went through (checked).</summary>
    private static bool Run(CheckpointerTestRig rig, ProcessEntry* process, ulong address, ref ulong? outstanding)
    {
        if (!process->Runnable)
        {
            return false;
        }

        ulong? reached = process->AddressSpace == 0 ? null : rig.Machine.Mmu.Access(process->AddressSpace, address, false);
        if (reached == null)
        {
            ((RegisterAnnex*)process->Context)->Rip = 0x401000 + address;
            PageFaultResult result = UserFaults.OnPageFault(process, address, isWrite: false);
            Assert.True(result is PageFaultResult.Mapped or PageFaultResult.StallObject, $"fault at 0x{address:x}: {result}");
            Assert.True(result == PageFaultResult.Mapped || process->Stalled != StallReason.None, "a StallObject that did not stall");
            if (result != PageFaultResult.Mapped)
            {
                outstanding = address; // re-executed when woken
                return false;
            }

            reached = rig.Machine.Mmu.Access(process->AddressSpace, address, false);
        }

        Assert.NotNull(reached);
        Assert.Equal((byte)((address / 4096) + 1), rig.Machine.MemoryBase[reached.Value]);
        outstanding = null;
        return true;
    }

    /// <summary>I12: one copy per OID, a reserved frame per read in flight; Stall I1 and I3: a waiter waits on a read in flight.</summary>
    private static void Check(StoredProcesses processes, string where)
    {
        var seen = new HashSet<ulong>();
        for (uint i = 0; i < Cache.PageFrameCount + Cache.NodeFrameCount; i++)
        {
            ObjectHeader* frame = Cache.Header(i);
            Assert.True(frame->IsFree || seen.Add(frame->Oid.Value), $"two copies of 0x{frame->Oid.Value:x}: {where}");
        }

        Assert.True(CacheReadTests.Reserved() == Cache.ReadsInFlight, $"reserved {CacheReadTests.Reserved()} frames for {Cache.ReadsInFlight} reads: {where}");
        for (int p = 0; p < Processes; p++)
        {
            ProcessEntry* entry = processes.Entry(p);
            if (entry->Stalled == StallReason.ObjectRead)
            {
                ReadState state = Cache.ReadStateOf(entry->StallRead);
                Assert.True(state is ReadState.Reading or ReadState.Queued, $"process {p} waits on a read that is {state}: {where}");
            }
        }
    }
}
