using CapOS.Kernel.Invocation;
using CapOS.Pipe;
using CapOS.Runtime;

namespace CapOS.ServicesWorkload;

/// <summary>
/// The reader's end: step S reads the S-th <see cref="Records.StepBytes"/> of the record stream in reads of sizes drawn from (identity, S), each
/// no further than the block's end, and checks every byte against <see cref="Records"/>: a record lost, repeated
/// or out of order fails at once (<c>services: FAIL pipe stream ...</c>). Its step line carries the writer's
/// digest function, so a step's digest is one value whichever boot prints it (U3).
/// </summary>
internal static unsafe class PipeReader
{
    private static ulong s_step;

    private static Block s_buffer;

    public static void Run(ulong identity)
    {
        for (;;)
        {
            ulong next = s_step + 1;
            ulong position = (next - 1) * Records.StepBytes;
            ulong end = position + Records.StepBytes;
            ulong state = identity ^ (next * 0xD6E8FEB86659FD93);
            while (position < end)
            {
                ulong wanted = 1 + (Program.SplitMix(ref state) % Records.BlockBytes);
                wanted = wanted < end - position ? wanted : end - position;
                position = Read(position, wanted);
            }

            s_step = next;
            Program.Step(next, PipeWriter.Digest(identity, next));
        }
    }

    /// <summary>One read of at most <paramref name="wanted"/> bytes at <paramref name="position"/>, checked; the new position.</summary>
    private static ulong Read(ulong position, ulong wanted)
    {
        fixed (Block* block = &s_buffer)
        {
            byte* buffer = block->Bytes;
            InvocationMessage message = default;
            message.KeyRegister = Program.ServiceKey;
            message.Order = PipeProtocol.Read;
            message.W0 = wanted;
            message.ReceiveBuffer = buffer;
            message.ReceiveCapacity = Records.BlockBytes;
            InvocationResponse reply;
            InvocationResult result = Keys.Invoke(&message, &reply);
            Program.Expect("pipe read answered result=", result, InvocationResult.Ok);
            if (reply.W0 == 0 || reply.W0 > wanted || reply.StringLength != reply.W0)
            {
                Program.Fail("pipe read answered bytes=", reply.W0, wanted);
            }

            for (ulong i = 0; i < reply.W0; i++)
            {
                if (buffer[i] != Records.At(position + i))
                {
                    Program.Fail("pipe stream: a record out of sequence at record=", (position + i) / Records.RecordBytes, buffer[i]);
                }
            }

            return position + reply.W0;
        }
    }

    private struct Block
    {
        public fixed byte Bytes[4096];
    }
}
