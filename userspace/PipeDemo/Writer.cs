using CapOS.Kernel.Invocation;
using CapOS.Pipe;
using CapOS.Runtime;

namespace CapOS.PipeDemo;

/// <summary>
/// The writer's end: checks the writer facet refuses the reader's order, pushes <see cref="Stream"/> in chunks of
/// changing sizes (fast and large in the first half, so the slow reader leaves the buffer full and writes wait;
/// slow and small in the second, so the reader waits), takes a checkpoint at <see cref="Stream.CheckpointAt"/>
/// once the reader is parked, prints <c>pipe: writer sent bytes=N sum=S waits=W</c>, closes its end (Destroy)
/// once the reader is parked again (so the end of file goes to a waiting read) and checks a later write is refused.
/// </summary>
internal static unsafe class Writer
{
    /// <summary>Iterations between writes in the second half (tens of milliseconds under TCG).</summary>
    private const ulong SlowPause = 600_000;


    public static void Run()
    {
        if (!Program.Expect("read on the writer facet answered ", PipeProtocol.Read, 1, InvocationResult.NoAccess)
            || !Program.Expect("an unknown order answered ", 0x77, 0, InvocationResult.UnknownOrder))
        {
            return;
        }

        byte* buffer = Program.Buffer();
        ulong position = 0;
        ulong sum = Stream.FnvOffset;
        ulong waits = 0;
        bool checkpointed = false;
        for (int chunk = 0; position < Stream.Length; chunk++)
        {
            bool fast = position < Stream.Half;
            ulong size = fast ? FastSize(chunk) : SlowSize(chunk);
            size = size < Stream.Length - position ? size : Stream.Length - position;
            for (ulong i = 0; i < size; i++)
            {
                buffer[i] = Stream.At(position + i);
                sum = Stream.Sum(sum, buffer[i]);
            }

            InvocationResponse reply;
            InvocationResult result = Program.Invoke(PipeProtocol.Write, 0, buffer, size, &reply);
            if (result != InvocationResult.Ok || reply.W0 != size)
            {
                Program.Fail("write at byte ", position, (ulong)result);
                return;
            }

            waits += reply.W1;
            position += size;
            if (!fast)
            {
                Program.Pause(SlowPause);
            }

            if (!checkpointed && position >= Stream.CheckpointAt)
            {
                checkpointed = true;
                Checkpoint();
            }
        }

        byte* line = stackalloc byte[Console.MaxLine];
        ulong at = Text.Append(line, 0, "pipe: writer sent");
        at = Program.Field(line, Program.Field(line, Program.Field(line, at, "bytes", position), "sum", sum), "waits", waits);
        Console.WriteLine(line, at);
        if (WaitForParkedReader()
            && Program.Expect("destroy on the writer facet answered ", PipeProtocol.Destroy, 0, InvocationResult.Ok)
            && Program.Expect("a write after close answered ", PipeProtocol.Write, 0, PipeProtocol.Closed))
        {
            Console.WriteLine("pipe: writer closed");
        }
    }

    /// <summary>First half: whole buffers, a page, odd sizes, a single byte (no arrays: user programs have no heap).</summary>
    private static ulong FastSize(int chunk) => (chunk % 6) switch
    {
        0 or 4 => 65536,
        1 => 4096,
        2 => 30001,
        3 => 1,
        _ => 777,
    };

    /// <summary>Second half: small writes, one at a time.</summary>
    private static ulong SlowSize(int chunk) => (chunk % 4) switch
    {
        0 => 4000,
        1 => 1,
        2 => 2500,
        _ => 1500,
    };

    /// <summary>Waits until the reader is parked in the pipe, then takes a checkpoint: PipeTests' crash point.</summary>
    private static void Checkpoint()
    {
        if (!WaitForParkedReader())
        {
            return;
        }

        InvocationMessage message = default;
        message.KeyRegister = Keys.CheckpointKey;
        message.Order = CheckpointOrder.CheckpointNow;
        InvocationResponse reply;
        InvocationResult result = Keys.Invoke(&message, &reply);
        byte* line = stackalloc byte[Console.MaxLine];
        ulong at = Program.Field(line, Text.Append(line, 0, "pipe: writer checkpoint"), "result", (ulong)result);
        Console.WriteLine(line, Text.Append(line, Program.Field(line, at, "seq", reply.W0), " reader=parked"));
    }

    /// <summary>
    /// Polls Status until the reader is parked (it drained the pipe and waits in it): the checkpoint's and the
    /// close's precondition, so that what they test does not depend on the scheduler.
    /// </summary>
    private static bool WaitForParkedReader()
    {
        InvocationResponse reply;
        for (int tries = 0; ; tries++)
        {
            InvocationResult status = Program.Invoke(PipeProtocol.Status, 0, null, 0, &reply);
            if (status == InvocationResult.Ok && (reply.W1 & PipeProtocol.ReaderWaitingFlag) != 0)
            {
                return true;
            }

            if (status != InvocationResult.Ok || tries == 1000)
            {
                Program.Fail("the reader never waited in the pipe; tries=", (ulong)tries, reply.W1);
                return false;
            }

            Program.Pause(SlowPause / 10);
        }
    }
}
