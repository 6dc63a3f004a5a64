using CapOS.Kernel.Invocation;
using CapOS.Pipe;
using CapOS.Runtime;

namespace CapOS.ServicesWorkload;

/// <summary>
/// The writer's end: step S writes the S-th <see cref="Records.StepBytes"/> of the record stream
/// (<see cref="Records"/>), each 4 KiB block in two writes split at a point drawn from (identity, S, block), so
/// records straddle writes; every write must be taken whole. Its position is its step, in its own data, so after
/// a recovery it goes on from the step its checkpoint held, as the pipe's ring and the reader's position do (all
/// three from one snapshot).
/// </summary>
internal static unsafe class PipeWriter
{
    private static ulong s_step;

    private static Block s_buffer;

    public static void Run(ulong identity)
    {
        for (;;)
        {
            ulong next = s_step + 1;
            ulong state = identity ^ (next * 0xD6E8FEB86659FD93);
            for (ulong start = (next - 1) * Records.StepBytes; start < next * Records.StepBytes; start += Records.BlockBytes)
            {
                fixed (Block* block = &s_buffer)
                {
                    byte* buffer = block->Bytes;
                    for (ulong i = 0; i < Records.BlockBytes; i++)
                    {
                        buffer[i] = Records.At(start + i);
                    }

                    ulong split = 1 + (Program.SplitMix(ref state) % (Records.BlockBytes - 1));
                    Write(buffer, split);
                    Write(buffer + split, Records.BlockBytes - split);
                }
            }

            s_step = next;
            Program.Step(next, Digest(identity, next));
        }
    }

    /// <summary>The digest of step <paramref name="step"/>: of the identity, the step and its last record.</summary>
    public static ulong Digest(ulong identity, ulong step)
    {
        ulong h = Program.Absorb(Program.Absorb(0xcbf29ce484222325, identity), step);
        h = Program.Absorb(h, Records.Record((step * Records.StepBytes / Records.RecordBytes) - 1));
        return Program.SplitMix(ref h);
    }

    private static void Write(byte* bytes, ulong length)
    {
        InvocationMessage message = default;
        message.KeyRegister = Program.ServiceKey;
        message.Order = PipeProtocol.Write;
        message.String = bytes;
        message.StringLength = length;
        InvocationResponse reply;
        InvocationResult result = Keys.Invoke(&message, &reply);
        Program.Expect("pipe write answered result=", result, InvocationResult.Ok);
        Program.Expect("pipe write took bytes=", reply.W0, length);
    }

    private struct Block
    {
        public fixed byte Bytes[4096];
    }
}
