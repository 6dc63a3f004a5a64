using CapOS.Kernel.Invocation;
using CapOS.Pipe;
using CapOS.Runtime;

namespace CapOS.PipeDemo;

/// <summary>
/// The reader's end: checks the reader facet refuses the writer's orders and bad sizes, reads until
/// <see cref="PipeProtocol.EndOfFile"/> (slowly in the first half, so the writer waits), checks every byte against
/// <see cref="Stream"/>, then that a second read also answers EndOfFile, and prints
/// <c>pipe: ok bytes=N sum=S waits=W eof=waited|immediate</c> (eof=waited: the EndOfFile came to a parked read).
/// Every Read carries a string of <see cref="JunkLength"/> bytes of <see cref="Junk"/>, which the pipe must ignore: it
/// receives every message's string, and one that landed on a parked writer's rest in the ring (Ring R4: the pipe
/// receives at the tail only while no writer is parked) would show here as stream bytes that differ.
/// </summary>
internal static unsafe class Reader
{
    /// <summary>The string each Read carries (ignored by the pipe), and its byte: no byte of <see cref="Stream"/> at its place is bound to be it.</summary>
    private const ulong JunkLength = 4096;

    private const byte Junk = 0xEE;

    /// <summary>Iterations after each read in the first half.</summary>
    private const ulong SlowPause = 600_000;

    /// <summary>First half: a page, a byte, more than two pages.</summary>
    private static ulong SlowSize(int chunk) => (chunk % 3) switch
    {
        0 => 4096,
        1 => 1,
        _ => 10000,
    };

    public static void Run()
    {
        if (!Program.Expect("write on the reader facet answered ", PipeProtocol.Write, 0, InvocationResult.NoAccess)
            || !Program.Expect("close on the reader facet answered ", PipeProtocol.Destroy, 0, InvocationResult.NoAccess)
            || !Program.Expect("a read of 0 bytes answered ", PipeProtocol.Read, 0, InvocationResult.RequestError)
            || !Program.Expect("a read of 64 KiB + 1 answered ", PipeProtocol.Read, PipeProtocol.MaxTransfer + 1, InvocationResult.RequestError))
        {
            return;
        }

        byte* buffer = Program.Buffer();
        byte* junk = stackalloc byte[(int)JunkLength];
        for (ulong i = 0; i < JunkLength; i++)
        {
            junk[i] = Junk;
        }

        ulong position = 0;
        ulong sum = Stream.FnvOffset;
        ulong waits = 0;
        InvocationResponse reply;
        InvocationResult result;
        for (int chunk = 0; ; chunk++)
        {
            bool slow = position < Stream.Half;
            ulong wanted = slow ? SlowSize(chunk) : PipeProtocol.MaxTransfer;
            result = Program.Invoke(PipeProtocol.Read, wanted, junk, JunkLength, &reply);
            if (result != InvocationResult.Ok)
            {
                break;
            }

            if (reply.W0 != reply.StringLength || reply.W0 == 0 || reply.W0 > wanted)
            {
                Program.Fail("read answered length ", reply.W0, reply.StringLength);
                return;
            }

            for (ulong i = 0; i < reply.W0; i++, position++)
            {
                if (buffer[i] != Stream.At(position))
                {
                    Program.Fail("stream differs at byte ", position, buffer[i]);
                    return;
                }

                sum = Stream.Sum(sum, buffer[i]);
            }

            waits += reply.W1;
            if (slow)
            {
                Program.Pause(SlowPause);
            }
        }

        if (result != PipeProtocol.EndOfFile || position != Stream.Length)
        {
            Program.Fail("the stream ended with result ", (ulong)result, position);
            return;
        }

        bool eofWaited = reply.W1 != 0;
        if (!Program.Expect("a read after the end answered ", PipeProtocol.Read, 1, PipeProtocol.EndOfFile))
        {
            return;
        }

        byte* line = stackalloc byte[Console.MaxLine];
        ulong at = Text.Append(line, 0, "pipe: ok");
        at = Program.Field(line, Program.Field(line, Program.Field(line, at, "bytes", position), "sum", sum), "waits", waits);
        Console.WriteLine(line, Text.Append(line, at, eofWaited ? " eof=waited" : " eof=immediate"));
    }
}
