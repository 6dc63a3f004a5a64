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
/// <c>pipebench: bandwidth bytes=N chunk=4096 ticks=T</c>; then <c>pipebench: done</c>.
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

    /// <summary>A TSC step between two back-to-back reads that only an interrupt explains (the loop is some tens of ticks).</summary>
    private const ulong TickGap = 2000;

    /// <summary>Bound on <see cref="AlignToTick"/>'s spinning: well over one 10 ms tick even at 1 tick per instruction.</summary>
    private const ulong MaxAlignSpins = 10_000_000;

    private const byte LatencyWriter = 4;

    private const byte LatencyReader = 5;

    private const byte BandwidthWriter = 6;

    [UnmanagedCallersOnly(EntryPoint = "UserMain")]
    private static void Main()
    {
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
            if (Latency(print: false) && Latency(print: true) && Bandwidth())
            {
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

    /// <summary>The bulk transfer, after <see cref="WarmUpBytes"/> unmeasured (the pipe's and the sink's buffers
    /// faulted in, as <see cref="Latency"/>'s first pass does).</summary>
    private static bool Bandwidth()
    {
        InvocationResponse reply;
        for (ulong sent = 0; sent < WarmUpBytes; sent += Chunk)
        {
            if (Invoke(BandwidthWriter, PipeProtocol.Write, 0, Chunk, &reply) != InvocationResult.Ok || reply.W0 != Chunk)
            {
                Console.WriteLine("pipebench: FAILED a warm-up write");
                return false;
            }
        }

        AlignToTick();
        ulong start = Tsc();
        for (ulong sent = 0; sent < BandwidthBytes; sent += Chunk)
        {
            if (Invoke(BandwidthWriter, PipeProtocol.Write, 0, Chunk, &reply) != InvocationResult.Ok || reply.W0 != Chunk)
            {
                Console.WriteLine("pipebench: FAILED a bandwidth write");
                return false;
            }
        }

        ulong ticks = Tsc() - start;
        Invoke(BandwidthWriter, PipeProtocol.Close, 0, 0, &reply);
        Print("pipebench: bandwidth", "bytes", BandwidthBytes, "chunk", Chunk, "ticks", ticks);
        return true;
    }

    /// <summary>Returns just after a timer interrupt: spins on the TSC until two reads lie more than
    /// <see cref="TickGap"/> apart. The writer and the sink take turns as the pipe fills and empties, and a time
    /// slice that ends inside that dance changes who runs when; starting at a fixed phase of the timer makes the
    /// bandwidth figure repeat under icount (without it two runs gave 180 and 200 MB/s, the boot's disk waits
    /// shifting the timer's phase).</summary>
    private static void AlignToTick()
    {
        ulong last = Tsc();
        for (ulong spins = 0; spins < MaxAlignSpins; spins++)
        {
            ulong now = Tsc();
            if (now - last > TickGap)
            {
                return;
            }

            last = now;
        }
    }

    private static void Sink()
    {
        InvocationResponse reply;
        ulong received = 0;
        while (Invoke(LatencyWriter, PipeProtocol.Read, PipeProtocol.MaxTransfer, 0, &reply) == InvocationResult.Ok)
        {
            received += reply.StringLength;
        }

        byte* line = stackalloc byte[Console.MaxLine];
        ulong at = Text.AppendDecimal(line, Text.Append(line, 0, "pipebench: sink bytes="), received);
        Console.WriteLine(line, Text.Append(line, at, reply.Result == PipeProtocol.EndOfFile ? " eof" : " FAILED"));
    }

    /// <summary>Invokes the pipe key in <paramref name="register"/>: <paramref name="length"/> bytes of the buffer sent, the reply into it.</summary>
    private static InvocationResult Invoke(byte register, uint order, ulong w0, ulong length, InvocationResponse* reply)
    {
        InvocationMessage message = default;
        message.KeyRegister = register;
        message.Order = order;
        message.W0 = w0;
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
