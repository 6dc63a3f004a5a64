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
/// 5. <c>fault-rebuild</c>: the pages of a zero region at 512 GiB (alone under their top-level entry) are
///    touched once (object faults); then, per page, the space's mappings are zapped by writing the
///    address-space root slot with the key it holds (process key to itself: copy slot 2, swap slot 2) and the
///    page is read: one fault that walks the tree in memory and rebuilds the region's top-level entry (the
///    tables below are products of segment nodes and stay: docs/bench.md "IPC"); then <c>mapped-read</c>, a
///    pass without faults (the timing's own cost).
/// The sizes come from the number key in <see cref="SizeKey"/> (W0 = batches | calls per batch &lt;&lt; 32,
/// W1 = pages), so a short image for the boot tests runs the same program. Lines: <c>ipcbench: start tsc=T</c>,
/// one <c>ipcbench: M n=N per=P median=A min=B mean=C</c> per measure (ticks per sample, a sample being P
/// operations), <c>ipcbench: done</c>; or <c>ipcbench: failed: ...</c>.
/// </summary>
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

    /// <summary>The number key's order that reads its value (kernel NumberKey.Value).</summary>
    private const uint NumberValue = 1;

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

        if (Batched(line, "null-invocation", NullKey, KeyOrder.AllegedKeyType, batches, calls, null, 0)
            && Batched(line, "round-trip", EchoKey, EchoProtocol.Echo, batches, calls, null, 0)
            && Batched(line, "round-trip-string", EchoKey, EchoProtocol.Echo, batches, calls, buffer, StringBytes)
            && Halves(line)
            && Faults(line, pages))
        {
            Console.WriteLine("ipcbench: done");
        }
    }

    /// <summary>One warm-up batch, then <paramref name="batches"/> timed batches of <paramref name="calls"/> CALLs.</summary>
    private static bool Batched(byte* line, string measure, byte register, uint order, ulong batches, ulong calls, byte* buffer, ulong length)
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
        return true;
    }

    /// <summary>A warm-up, then <see cref="StampSamples"/> stamped round trips: the CALL and RETURN halves.</summary>
    private static bool Halves(byte* line)
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
        return true;
    }

    /// <summary>
    /// First touch of <paramref name="pages"/> pages of the region (object faults, untimed), then per page: zap
    /// the mappings, read the page (timed: one fault); then a timed pass without faults.
    /// </summary>
    private static bool Faults(byte* line, ulong pages)
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

        ulong total = 0;
        for (ulong i = 0; i < pages; i++)
        {
            InvocationResult zapped = ZapMappings();
            if (zapped != InvocationResult.Ok)
            {
                return Report.Failed(line, "fault-rebuild", (ulong)zapped);
            }

            ticks[i] = Touch(region + i * PageBytes);
            total += ticks[i];
        }

        Report.Measure(line, "fault-rebuild", ticks, pages, 1, total);
        total = 0;
        for (ulong i = 0; i < pages; i++)
        {
            ticks[i] = Touch(region + i * PageBytes);
            total += ticks[i];
        }

        Report.Measure(line, "mapped-read", ticks, pages, 1, total);
        return true;
    }

    /// <summary>
    /// Writes the address-space root slot with the key it holds, through the process key to itself: the space
    /// is unchanged, but every hardware entry built through the slot goes (docs/process.md P6), while its nodes
    /// and pages stay in the object cache. EROS'99 zapped the same way.
    /// </summary>
    private static InvocationResult ZapMappings()
    {
        InvocationMessage message = default;
        message.KeyRegister = Keys.SelfKey;
        message.Order = ProcessOrder.CopyRootSlot;
        message.W0 = AddressSpaceSlot;
        message.ReceiveKeys = SpaceKey;
        InvocationResponse reply;
        if (Keys.Invoke(&message, &reply) != InvocationResult.Ok)
        {
            return reply.Result;
        }

        message = default;
        message.KeyRegister = Keys.SelfKey;
        message.Order = ProcessOrder.SwapRootSlot;
        message.W0 = AddressSpaceSlot;
        message.SendKeys = SpaceKey;
        return Keys.Invoke(&message, &reply);
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
