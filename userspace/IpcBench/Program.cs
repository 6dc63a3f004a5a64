using System.Runtime;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CapOS.EchoServer;
using CapOS.Kernel.Invocation;
using CapOS.Runtime;

namespace CapOS.IpcBench;

/// <summary>
/// The IPC benchmark (issue 11 item 5; docs/bench.md "IPC"; EROS perf/: null key, null call, page fault), a
/// stored process of system/ipcbench.sys beside the echo server (userspace/EchoServer). In TSC ticks (under
/// QEMU's <c>-icount shift=0</c>, instructions) it measures, each after an unrecorded warm-up:
/// 1. <c>null-invocation</c>: KT on a number key (the kernel answers at once), in batches;
/// 2. <c>round-trip</c>: CALL on the echo server's start key, no keys, no string, and its RETURN through the
///    resume key, in batches;
/// 3. <c>round-trip-string</c>: the same with <see cref="StringBytes"/> bytes each way;
/// 4. <c>call-half</c> and <c>return-half</c>: single round trips whose reply carries the TSC the server read
///    on waking with the message: from before the CALL to the server running, and from there to the client
///    running again;
/// 5. <c>fault-rebuild</c> (EROS'99's page-fault test, measured as lat_pagefault reports): the pages of a zero region
///    at 512 GiB (alone under their top-level entry) are touched once (object faults, untimed); then, 5 times, the
///    leaf mappings are zapped by writing every slot of the region's height-2 segment nodes with the key it holds
///    (node keys fetched down the space through its segment keys: each slot names a height-1 node, so the depend
///    table clears exactly the 32 leaf entries built through it, and the tables stay) and every page is read once
///    in a fixed random order, the pass timed as a whole (a sample: per page touched; a fault maps its height-1
///    node's other pages too, docs/process.md "Fault-around"); then <c>fault-single</c>, one fault that rebuilds one
///    entry (one slot of each height-1 node written alone, its page read); then <c>mapped-read</c>, a pass without
///    faults (the timing's own cost).
/// </summary>
/// <remarks>
/// The sizes come from the number key in <see cref="SizeKey"/> (W0 = batches | calls per batch &lt;&lt; 32,
/// W1 = pages), so a short image for the boot tests runs the same program. Lines: <c>ipcbench: start tsc=T</c>,
/// one <c>ipcbench: M n=N per=P median=A min=B mean=C</c> per measure (ticks per sample, a sample being P
/// operations), <c>ipcbench: done</c>; or <c>ipcbench: failed: ...</c>. Then the lines of the common benchmark
/// contract (docs/bench.md "lmbench"): <c>lmbench: row=R n=N min-ticks=A median-ticks=B</c> for null-call,
/// ipc-rt, ctx-switch (derived) and page-fault, per operation, and <c>lmbench: done</c>.
/// </remarks>
internal static unsafe class Program
{
    /// <summary>Key register holding the echo server's start key.</summary>
    private const byte EchoKey = 4;

    /// <summary>Key register holding the number key the null invocation invokes.</summary>
    private const byte NullKey = 5;

    /// <summary>Key register holding the number key that gives the sizes.</summary>
    private const byte SizeKey = 6;

    /// <summary>Key register receiving a copy of the address-space key.</summary>
    private const byte SpaceKey = 7;

    /// <summary>Key registers receiving the segment keys down to the region: height 6, height 3, height 2, and the slot being rewritten.</summary>
    private const byte Height6Key = 8;
    private const byte Height3Key = 9;
    private const byte Height2Key = 10;
    private const byte SlotKey = 11;
    private const byte Height1Key = 12;

    /// <summary>
    /// The region's path in the space imagegen builds (docs/imagegen.md "The segment tree"): the top node (height
    /// 7, 2^47 bytes) slot 0 holds a height-6 segment (code and region), whose slot 4 (512 GiB / 2^37) holds a
    /// height-3 segment of the region's 8 MiB, whose slots 0 and 1 hold the two height-2 nodes (4 MiB each), whose
    /// 32 slots each hold a height-1 node of 32 pages.
    /// </summary>
    private const ulong TopSlot = 0;
    private const ulong Height6Slot = 4;
    private const ulong Height2Nodes = 2;

    /// <summary>The number key's order that reads its value (kernel NumberKey.Value).</summary>
    private const uint NumberValue = 1;

    /// <summary>Node key orders (kernel NodeOrder): fetch slot W0, write slot W0 with sent key 0.</summary>
    private const uint NodeCopySlot = 1;
    private const uint NodeSwapSlot = 2;

    /// <summary>Root slot of the address space (kernel ProcessRoot.AddressSpace).</summary>
    private const ulong AddressSpaceSlot = 2;

    /// <summary>Bytes of the string each way in <c>round-trip-string</c>.</summary>
    private const ulong StringBytes = 64;

    /// <summary>Samples of the halves: Invoke.X64.asm's STAMP_SAMPLES.</summary>
    private const ulong StampSamples = 2048;

    /// <summary>Most batches per measure (the batch ticks live on the stack).</summary>
    private const ulong MaxBatches = 256;

    /// <summary>Pages of the region: Invoke.X64.asm's REGION_PAGES.</summary>
    private const ulong RegionPages = 2048;

    private const ulong PageBytes = 4096;

    /// <summary>Slots of a node: pages under one height-1 node.</summary>
    private const ulong SlotsPerNode = 32;

    /// <summary>Timed passes of <c>fault-rebuild</c> (its samples).</summary>
    private const ulong FaultPasses = 5;

    /// <summary>The seed of the touch order (any nonzero constant: the order must repeat from boot to boot).</summary>
    private const ulong PermutationSeed = 0x9E37_79B9_7F4A_7C15;

    [UnmanagedCallersOnly(EntryPoint = "UserMain")]
    private static void Main()
    {
        byte* line = stackalloc byte[Console.MaxLine];
        Console.WriteLine(line, Text.AppendDecimal(line, Text.Append(line, 0, "ipcbench: start tsc="), Tsc.Read()));
        InvocationMessage message = default;
        message.KeyRegister = SizeKey;
        message.Order = NumberValue;
        InvocationResponse sizes;
        Keys.Invoke(&message, &sizes);
        ulong batches = sizes.W0 & 0xFFFF_FFFF;
        ulong calls = sizes.W0 >> 32;
        ulong pages = sizes.W1;
        if (sizes.Result != InvocationResult.Ok || batches == 0 || batches > MaxBatches || calls == 0 || pages == 0 || pages > RegionPages)
        {
            Console.WriteLine("ipcbench: failed: the size key (register 6) is not number batches calls pages within bounds");
            return;
        }

        byte* buffer = stackalloc byte[(int)StringBytes];
        for (ulong i = 0; i < StringBytes; i++)
        {
            buffer[i] = (byte)i;
        }

        Figures figures = default;
        if (Batched(line, "null-invocation", NullKey, KeyOrder.AllegedKeyType, batches, calls, null, 0, &figures.Null)
            && Batched(line, "round-trip", EchoKey, EchoProtocol.Echo, batches, calls, null, 0, &figures.RoundTrip)
            && Batched(line, "round-trip-string", EchoKey, EchoProtocol.Echo, batches, calls, buffer, StringBytes, &figures.RoundTripString)
            && Halves(line, &figures)
            && Faults(line, pages, &figures.Fault))
        {
            Console.WriteLine("ipcbench: done");
            Report.Contract(line, &figures);
        }
    }

    /// <summary>One warm-up batch, then <paramref name="batches"/> timed batches of <paramref name="calls"/> CALLs.</summary>
    private static bool Batched(byte* line, string measure, byte register, uint order, ulong batches, ulong calls, byte* buffer, ulong length, Figure* figure)
    {
        ulong word = Keys.Register(register, InvocationType.Call);
        ulong results;
        InvokeBatch(word, order, calls, buffer, length, &results);
        ulong* ticks = stackalloc ulong[(int)MaxBatches];
        ulong total = 0;
        for (ulong b = 0; b < batches; b++)
        {
            ulong batch = InvokeBatch(word, order, calls, buffer, length, &results);
            if (results != 0)
            {
                return Report.Failed(line, measure, results);
            }

            ticks[b] = batch;
            total += batch;
        }

        Report.Measure(line, measure, ticks, batches, calls, total);
        figure->Set(batches * calls, ticks[0] / calls, ticks[batches / 2] / calls);
        return true;
    }

    /// <summary>A warm-up, then <see cref="StampSamples"/> stamped round trips: the CALL and RETURN halves.</summary>
    private static bool Halves(byte* line, Figures* figures)
    {
        ulong word = Keys.Register(EchoKey, InvocationType.Call);
        ulong* calls = Stamps();
        ulong* returns = calls + StampSamples;
        ulong results;
        StampCalls(word, EchoProtocol.Stamp, StampSamples, calls, returns, &results);
        StampCalls(word, EchoProtocol.Stamp, StampSamples, calls, returns, &results);
        if (results != 0)
        {
            return Report.Failed(line, "call-half", results);
        }

        Report.Measure(line, "call-half", calls, StampSamples, 1, Sum(calls, StampSamples));
        Report.Measure(line, "return-half", returns, StampSamples, 1, Sum(returns, StampSamples));
        figures->CallHalf.Set(StampSamples, calls[0], calls[StampSamples / 2]);
        figures->ReturnHalf.Set(StampSamples, returns[0], returns[StampSamples / 2]);
        return true;
    }

    /// <summary>
    /// First touch of <paramref name="pages"/> pages of the region (object faults, untimed); then
    /// <see cref="FaultPasses"/> passes, each zapping the leaf mappings and reading every page once in a fixed random
    /// order (lat_pagefault's permutation), timed as a whole: per page touched, as lat_pagefault reports; then
    /// <c>fault-single</c>, one page per height-1 node zapped alone and read (a fault that rebuilds one entry, the others
    /// of its node present); then <c>mapped-read</c>, a timed pass without faults.
    /// </summary>
    private static bool Faults(byte* line, ulong pages, Figure* figure)
    {
        byte* region = Region();
        ulong* ticks = Ticks();
        for (ulong i = 0; i < RegionPages; i++)
        {
            ticks[i] = 0; // its own pages fault now, not during a measured pass
        }

        for (ulong i = 0; i < pages; i++)
        {
            Touch(region + i * PageBytes);
        }

        Permute(ticks, pages);
        ulong* passes = stackalloc ulong[(int)FaultPasses];
        ulong total = 0;
        for (ulong pass = 0; pass < FaultPasses; pass++)
        {
            InvocationResult zapped = ZapLeafMappings((pages + 1023) / 1024);
            if (zapped != InvocationResult.Ok)
            {
                return Report.Failed(line, "fault-rebuild", (ulong)zapped);
            }

            ulong sum = 0;
            for (ulong i = 0; i < pages; i++)
            {
                sum += Touch(region + ticks[i] * PageBytes);
            }

            passes[pass] = sum;
            total += sum;
        }

        Report.Measure(line, "fault-rebuild", passes, FaultPasses, pages, total);
        figure->Set(pages, passes[0] / pages, passes[FaultPasses / 2] / pages);
        return SingleFaults(line, region, ticks, pages) && MappedReads(line, region, ticks, pages);
    }

    /// <summary>
    /// <c>fault-single</c>: in each height-1 node of the first <paramref name="pages"/> pages, one slot (a different one
    /// per node) written with the key it holds, which takes that page's leaf entry alone away, and the page read,
    /// timed: one fault that rebuilds one entry (fault-around finds the node's other entries present).
    /// </summary>
    private static bool SingleFaults(byte* line, byte* region, ulong* ticks, ulong pages)
    {
        ulong nodes = pages / SlotsPerNode;
        ulong total = 0;
        for (ulong n = 0; n < nodes; n++)
        {
            ulong slot = (n * 7) % SlotsPerNode;
            InvocationResult result = Node(Height3Key, NodeCopySlot, n / SlotsPerNode, 0, Height2Key);
            result = result != InvocationResult.Ok ? result : Node(Height2Key, NodeCopySlot, n % SlotsPerNode, 0, Height1Key);
            result = result != InvocationResult.Ok ? result : Node(Height1Key, NodeCopySlot, slot, 0, SlotKey);
            result = result != InvocationResult.Ok ? result : Node(Height1Key, NodeSwapSlot, slot, SlotKey, 0);
            if (result != InvocationResult.Ok)
            {
                return Report.Failed(line, "fault-single", (ulong)result);
            }

            ticks[n] = Touch(region + ((n * SlotsPerNode) + slot) * PageBytes);
            total += ticks[n];
        }

        Report.Measure(line, "fault-single", ticks, nodes, 1, total);
        return true;
    }

    /// <summary><c>mapped-read</c>: every page read once more, no fault: the timing's own cost.</summary>
    private static bool MappedReads(byte* line, byte* region, ulong* ticks, ulong pages)
    {
        ulong total = 0;
        for (ulong i = 0; i < pages; i++)
        {
            ticks[i] = Touch(region + i * PageBytes);
            total += ticks[i];
        }

        Report.Measure(line, "mapped-read", ticks, pages, 1, total);
        return true;
    }

    /// <summary>
    /// A fixed random permutation of 0..<paramref name="count"/>-1 into <paramref name="order"/> (Fisher-Yates driven by
    /// xorshift64 from a constant seed: the same order every boot), as lat_pagefault touches its pages.
    /// </summary>
    private static void Permute(ulong* order, ulong count)
    {
        for (ulong i = 0; i < count; i++)
        {
            order[i] = i;
        }

        ulong state = PermutationSeed;
        for (ulong i = count - 1; i > 0; i--)
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            ulong j = state % (i + 1);
            ulong swapped = order[i];
            order[i] = order[j];
            order[j] = swapped;
        }
    }

    /// <summary>
    /// Writes every slot of the first <paramref name="nodes"/> height-2 nodes of the region with the key it holds
    /// (a node key to a height-1 node): the space is unchanged, but every leaf entry built through those slots
    /// goes (docs/process.md P6) while the tables above stay and every node and page stays in the object cache.
    /// </summary>
    private static InvocationResult ZapLeafMappings(ulong nodes)
    {
        InvocationResult result = Node(Keys.SelfKey, ProcessOrder.CopyRootSlot, AddressSpaceSlot, 0, SpaceKey);
        result = result != InvocationResult.Ok ? result : Node(SpaceKey, NodeCopySlot, TopSlot, 0, Height6Key);
        result = result != InvocationResult.Ok ? result : Node(Height6Key, NodeCopySlot, Height6Slot, 0, Height3Key);
        for (ulong n = 0; n < nodes && result == InvocationResult.Ok; n++)
        {
            result = Node(Height3Key, NodeCopySlot, n, 0, Height2Key);
            for (ulong slot = 0; slot < 32 && result == InvocationResult.Ok; slot++)
            {
                result = Node(Height2Key, NodeCopySlot, slot, 0, SlotKey);
                result = result != InvocationResult.Ok ? result : Node(Height2Key, NodeSwapSlot, slot, SlotKey, 0);
            }
        }

        return result;
    }

    /// <summary>One CALL of <paramref name="register"/>: order, W0 = <paramref name="slot"/>, one key sent and one received (register 0: none).</summary>
    private static InvocationResult Node(byte register, uint order, ulong slot, byte send, byte receive)
    {
        InvocationMessage message = default;
        message.KeyRegister = register;
        message.Order = order;
        message.W0 = slot;
        message.SendKeys = send;
        message.ReceiveKeys = receive;
        InvocationResponse reply;
        Keys.Invoke(&message, &reply);
        return reply.Result;
    }

    private static ulong Sum(ulong* values, ulong count)
    {
        ulong total = 0;
        for (ulong i = 0; i < count; i++)
        {
            total += values[i];
        }

        return total;
    }

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "ipcbench_invoke_batch")]
    private static extern ulong InvokeBatch(ulong registerWord, ulong order, ulong calls, byte* buffer, ulong length, ulong* results);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "ipcbench_stamp_calls")]
    private static extern ulong StampCalls(ulong registerWord, ulong order, ulong calls, ulong* callTicks, ulong* returnTicks, ulong* results);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "ipcbench_stamps")]
    private static extern ulong* Stamps();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "ipcbench_region")]
    private static extern byte* Region();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "ipcbench_ticks")]
    private static extern ulong* Ticks();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "ipcbench_touch")]
    private static extern ulong Touch(byte* address);
}
