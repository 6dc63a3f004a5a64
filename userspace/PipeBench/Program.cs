using System.Runtime;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CapOS.Kernel.Invocation;
using CapOS.Pipe;
using CapOS.Runtime;

namespace CapOS.PipeBench;

/// <summary>
/// EROS's pipe benchmarks (EROS-NOTES "EROS benchmark set"; docs/services.md "Pipe"), in system/pipebench.sys.
/// The bench (its key 4 a writer facet) measures, in TSC ticks:
/// latency: a 1-byte Write then a 1-byte Read through one pipe (keys 4 and 5), <see cref="RoundTrips"/> times,
/// printing <c>pipebench: latency round-trips=N mean=A min=L</c>;
/// bandwidth: <see cref="BandwidthBytes"/> in 4 KiB Writes to a second pipe (key 6) that a sink process drains,
/// from the first write to the last one's reply (the sink is at most the pipe's 64 KiB behind), printing
/// <c>pipebench: bandwidth bytes=N chunk=4096 ticks=T</c>; then the same in 64 KiB Writes (<c>chunk=65536</c>:
/// bw_pipe's default); then <c>pipebench: done</c>. Each timed transfer starts just after a tick (key 7, a sleep
/// key: <see cref="AlignToTick"/>).
/// The sink (its key 4 a reader facet) reads 64 KiB at a time until the end of file and prints
/// <c>pipebench: sink bytes=N</c>. EROS ran a million round trips and 256 MiB; TCG gets fewer.
/// </summary>
internal static unsafe class Program
{
    public const ulong RoundTrips = 2000;

    public const ulong BandwidthBytes = 8 * 1024 * 1024;

    public const ulong Chunk = 4096;

    /// <summary>Bytes written before the bandwidth is timed: twice the pipe's 64 KiB plus the sink's buffer.</summary>
    public const ulong WarmUpBytes = 256 * 1024;

    /// <summary>The second transfer's chunk: bw_pipe's default message size and the longest string (64 KiB).</summary>
    public const ulong LargeChunk = PipeProtocol.MaxTransfer;

    /// <summary><see cref="AlignToTick"/>'s sleep: more than one 10 ms tick.</summary>
    private const ulong AlignSleepMs = 15;

    private const byte LatencyWriter = 4;

    private const byte LatencyReader = 5;

    private const byte BandwidthWriter = 6;

    private const byte SleepKey = 7;

    [UnmanagedCallersOnly(EntryPoint = "UserMain")]
    private static void Main()
    {
        TouchBuffer();
        InvocationResponse reply;
        InvocationResult result = Invoke(LatencyWriter, KeyOrder.AllegedKeyType, 0, 0, &reply);
        if (result != InvocationResult.Ok || reply.W0 != PipeProtocol.AllegedType)
        {
            Console.WriteLine("pipebench: FAILED key 4 is not a pipe");
        }
        else if (reply.W1 == PipeProtocol.ReaderFacet)
        {
            Sink();
        }
        else
        {
            Console.WriteLine("pipebench: start");
            if (Latency(print: false) && AlignToTick() && Latency(print: true) && Bandwidth(Chunk) && Bandwidth(LargeChunk))
            {
                Invoke(BandwidthWriter, PipeProtocol.Close, 0, 0, &reply);
                Console.WriteLine("pipebench: done");
            }
        }
    }

    /// <summary>The round trips; the first, unprinted pass faults in the pipe server's pages and the paths (under
    /// icount a fault that reads the disk counts host time, so only a warm pass repeats exactly).</summary>
    private static bool Latency(bool print)
    {
        InvocationResponse reply;
        ulong total = 0;
        ulong least = ulong.MaxValue;
        Buffer()[0] = 0x5A;
        for (ulong i = 0; i < RoundTrips; i++)
        {
            ulong start = Tsc();
            InvocationResult written = Invoke(LatencyWriter, PipeProtocol.Write, 0, 1, &reply);
            InvocationResult read = Invoke(LatencyReader, PipeProtocol.Read, 1, 0, &reply);
            ulong ticks = Tsc() - start;
            if (written != InvocationResult.Ok || read != InvocationResult.Ok || reply.StringLength != 1)
            {
                Console.WriteLine("pipebench: FAILED a latency round trip");
                return false;
            }

            total += ticks;
            least = ticks < least ? ticks : least;
        }

        if (print)
        {
            Print("pipebench: latency", "round-trips", RoundTrips, "mean", total / RoundTrips, "min", least);
        }

        return true;
    }

    /// <summary>The bulk transfer in <paramref name="chunk"/>-byte writes, after <see cref="WarmUpBytes"/> unmeasured
    /// (the pipe's and the sink's buffers faulted in, as <see cref="Latency"/>'s first pass does).</summary>
    private static bool Bandwidth(ulong chunk)
    {
        InvocationResponse reply;
        for (ulong sent = 0; sent < WarmUpBytes; sent += chunk)
        {
            if (Invoke(BandwidthWriter, PipeProtocol.Write, 0, chunk, &reply) != InvocationResult.Ok || reply.W0 != chunk)
            {
                Console.WriteLine("pipebench: FAILED a warm-up write");
                return false;
            }
        }

        if (!AlignToTick())
        {
            Console.WriteLine("pipebench: FAILED the sleep key (key 7)");
            return false;
        }

        ulong start = Tsc();
        for (ulong sent = 0; sent < BandwidthBytes; sent += chunk)
        {
            if (Invoke(BandwidthWriter, PipeProtocol.Write, 0, chunk, &reply) != InvocationResult.Ok || reply.W0 != chunk)
            {
                Console.WriteLine("pipebench: FAILED a bandwidth write");
                return false;
            }
        }

        ulong ticks = Tsc() - start;
        Print("pipebench: bandwidth", "bytes", BandwidthBytes, "chunk", chunk, "ticks", ticks);
        return true;
    }

    /// <summary>
    /// Starts the timed transfer at a fixed instruction after a timer tick that found the machine idle: sleeps
    /// <see cref="AlignSleepMs"/> (more than one tick, so the sink has drained the pipe and parked, and the kernel
    /// halts), and the tick that ends the sleep wakes the bench by the same kernel path on every boot. From there
    /// every later tick lands on the same instruction of the transfer, so the interleaving of the writer and the
    /// sink, which a tick decides (docs/bench.md "Repeatability"), and the figure repeat exactly under icount. A
    /// TSC spin for the tick (the earlier way) left the phase to the spin loop's few instructions and the kernel
    /// state to the boot's disk waits.
    /// </summary>
    private static bool AlignToTick() => new SleepKeyRef(SleepKey).Sleep(AlignSleepMs, out _) == InvocationResult.Ok;

    /// <summary>One byte of every page of the buffer, summed: brings the pages into the object cache before anything is
    /// timed (a zero page's first touch may read from the disk, which under icount counts host time).</summary>
    private static ulong s_touched;

    private static void TouchBuffer()
    {
        for (ulong at = 0; at < PipeProtocol.MaxTransfer; at += 4096)
        {
            s_touched += Buffer()[at];
        }
    }

    private static void Sink()
    {
        InvocationResponse reply;
        ulong received = 0;
        while (Invoke(LatencyWriter, PipeProtocol.Read, PipeProtocol.MaxTransfer, 0, &reply, least: PipeProtocol.MaxTransfer) == InvocationResult.Ok)
        {
            received += reply.StringLength;
        }

        byte* line = stackalloc byte[Console.MaxLine];
        ulong at = Text.AppendDecimal(line, Text.Append(line, 0, "pipebench: sink bytes="), received);
        Console.WriteLine(line, Text.Append(line, at, reply.Result == PipeProtocol.EndOfFile ? " eof" : " FAILED"));
    }

    /// <summary>Invokes the pipe key in <paramref name="register"/>: <paramref name="length"/> bytes of the buffer sent, the reply into it.</summary>
    private static InvocationResult Invoke(byte register, uint order, ulong w0, ulong length, InvocationResponse* reply, ulong least = 0)
    {
        InvocationMessage message = default;
        message.KeyRegister = register;
        message.Order = order;
        message.W0 = w0;
        message.W1 = least;
        message.String = length == 0 ? null : Buffer();
        message.StringLength = length;
        message.ReceiveBuffer = Buffer();
        message.ReceiveCapacity = PipeProtocol.MaxTransfer;
        return Keys.Invoke(&message, reply);
    }

    private static void Print(string what, string a, ulong x, string b, ulong y, string c, ulong z)
    {
        byte* line = stackalloc byte[Console.MaxLine];
        ulong at = Text.Append(line, 0, what);
        at = Text.AppendDecimal(line, Text.Append(line, Text.Append(line, Text.Append(line, at, " "), a), "="), x);
        at = Text.AppendDecimal(line, Text.Append(line, Text.Append(line, Text.Append(line, at, " "), b), "="), y);
        at = Text.AppendDecimal(line, Text.Append(line, Text.Append(line, Text.Append(line, at, " "), c), "="), z);
        Console.WriteLine(line, at);
    }

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "pipebench_tsc")]
    private static extern ulong Tsc();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "pipebench_buffer")]
    private static extern byte* Buffer();
}
