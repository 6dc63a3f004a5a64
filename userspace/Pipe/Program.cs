using System.Runtime;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CapOS.Kernel.Invocation;
using CapOS.Runtime;

namespace CapOS.Pipe;

/// <summary>
/// The pipe server (docs/services.md "Pipe"; EROS's pipe benchmarks, EROS-NOTES "EROS benchmark set"): a bounded
/// buffer (<see cref="Ring"/>) between the holders of a writer and a reader start key (key info
/// <see cref="PipeProtocol.WriterFacet"/>, <see cref="PipeProtocol.ReaderFacet"/>).
/// </summary>
/// <remarks>
/// Theory of operation. The server's loop is "return and wait" (EROS): it answers the caller through the resume
/// key the call brought and waits for the next message. Blocking, in a capability system, is not answering: a
/// Write that does not fit or a Read of an empty pipe leaves the caller Waiting and its resume key in one of the
/// server's key registers (it is "parked"), and the server waits for the next message without replying (a return
/// through the void key register 0). When the other side makes it possible (a Read made room, a Write brought
/// data, a Close), the server answers the parked caller with a SEND through the kept resume key, and the current
/// caller with its return. Resume keys arrive in registers 29..31; a parked one keeps its register, and the next
/// message's resume key goes to a free one (at most one writer and one reader are parked, so one is always free).
/// Everything (ring, counts, the parked callers' registers, the resume keys themselves) is in the process's pages
/// and nodes, hence in the store: a checkpoint taken while a caller is parked brings it back parked, and it is
/// answered when the other side acts (PipeTests.AParkedReaderSurvivesACrash).
/// P1 A writer is parked (s_writer != 0) exactly while s_pending &gt; 0 bytes of its write wait outside the buffered
///    bytes: in the pending buffer, or (s_pendingInRing) in the ring right after them, where they arrived (Ring R4).
/// P2 A reader is parked (s_reader != 0) only while fewer bytes than its least (W1, at least 1) are buffered, the
///    writer's end is open and no writer is parked (Settle answers it at once otherwise).
/// P3 After every message, Settle leaves no parked caller that could be answered.
/// </remarks>
internal static unsafe class Program
{
    private const byte FirstResumeRegister = 29;

    private const byte ResumeRegisters = 3;

    /// <summary>Key register of the parked writer's resume key; 0 when none (P1).</summary>
    private static byte s_writer;

    /// <summary>Key register of the parked reader's resume key; 0 when none (P2).</summary>
    private static byte s_reader;

    /// <summary>The parked reader's W0: the most bytes it takes.</summary>
    private static ulong s_readerWants;

    /// <summary>The parked reader's W1 (at least 1): it is answered once that many bytes are buffered (P2).</summary>
    private static ulong s_readerLeast;

    /// <summary>Bytes of the parked write still outside the ring, from <see cref="s_pendingAt"/> in the pending buffer.</summary>
    private static ulong s_pending;

    private static ulong s_pendingAt;

    /// <summary>The parked write's rest lies in the ring just past the tail, where it was received (Ring R4), not in the pending buffer.</summary>
    private static bool s_pendingInRing;

    /// <summary>The parked write's whole length: its answer's W0.</summary>
    private static ulong s_pendingLength;

    /// <summary>The writer's end is closed (Close or Destroy on the writer facet); never reopened.</summary>
    private static bool s_closed;

    /// <summary>Where the current message's string arrived: the ring's tail (<see cref="s_direct"/>, Ring R3) or the receive buffer.</summary>
    private static byte* s_received;

    private static bool s_direct;

    /// <summary>One byte of every buffer page, summed at start (<see cref="TouchBuffers"/>); kept so the reads stay.</summary>
    private static ulong s_touched;

    [UnmanagedCallersOnly(EntryPoint = "UserMain")]
    private static void Main()
    {
        TouchBuffers();
        InvocationMessage answer = default;
        InvocationResponse request;
        byte through = 0; // the first wait answers nobody
        for (;;)
        {
            byte incoming = FreeRegister();
            byte* tail = s_writer == 0 ? Ring.ReceiveAt() : null; // a parked write's rest may lie past the tail (R4)
            s_direct = tail != null;
            s_received = s_direct ? tail : ReceiveBuffer();
            answer.ReceiveBuffer = s_received;
            answer.ReceiveCapacity = PipeProtocol.MaxTransfer;
            Gate.ReturnAndWait(through, &answer, incoming, &request);
            answer = default;
            bool parked = Serve(&request, incoming, &answer);
            Settle();
            through = parked ? (byte)0 : incoming;
        }
    }

    /// <summary>Answers one message in <paramref name="answer"/>; or parks the caller (returns true).</summary>
    private static bool Serve(InvocationResponse* request, byte incoming, InvocationMessage* answer)
    {
        ulong facet = request->KeyInfo;
        uint order = (uint)request->Result;
        if (order == KeyOrder.AllegedKeyType)
        {
            answer->W0 = PipeProtocol.AllegedType;
            answer->W1 = facet;
            return false;
        }

        bool writer = facet == PipeProtocol.WriterFacet;
        bool reader = facet == PipeProtocol.ReaderFacet;
        switch (order)
        {
            case PipeProtocol.Write when writer:
                return Write(request->StringLength, incoming, answer);
            case PipeProtocol.Read when reader:
                return Read(request->W0, request->W1, incoming, answer);
            case PipeProtocol.Close when writer:
            case PipeProtocol.Destroy when writer:
                s_closed = true;
                return false;
            case PipeProtocol.Status when writer || reader:
                answer->W0 = Ring.Count;
                answer->W1 = (s_closed ? PipeProtocol.WriterClosedFlag : 0)
                    | (s_writer != 0 ? PipeProtocol.WriterWaitingFlag : 0)
                    | (s_reader != 0 ? PipeProtocol.ReaderWaitingFlag : 0);
                return false;
            case PipeProtocol.Write:
            case PipeProtocol.Read:
            case PipeProtocol.Close:
            case PipeProtocol.Destroy:
            case PipeProtocol.Status:
                answer->Order = (ulong)InvocationResult.NoAccess; // the other facet's order, or no facet at all
                return false;
            default:
                answer->Order = (ulong)InvocationResult.UnknownOrder;
                return false;
        }
    }

    private static bool Write(ulong length, byte incoming, InvocationMessage* answer)
    {
        if (s_closed || s_writer != 0)
        {
            answer->Order = (ulong)(s_closed ? PipeProtocol.Closed : PipeProtocol.Busy);
            return false;
        }

        ulong accepted = s_direct ? Ring.Commit(length) : Ring.Append(s_received, length);
        if (accepted == length)
        {
            answer->W0 = length;
            return false;
        }

        if (!s_direct)
        {
            Ring.Copy(s_received + accepted, PendingBuffer(), length - accepted);
        }

        s_pendingInRing = s_direct;
        s_pending = length - accepted;
        s_pendingAt = 0;
        s_pendingLength = length;
        s_writer = incoming;
        return true;
    }

    private static bool Read(ulong wanted, ulong least, byte incoming, InvocationMessage* answer)
    {
        least = least == 0 ? 1 : least;
        if (wanted == 0 || wanted > PipeProtocol.MaxTransfer || least > wanted)
        {
            answer->Order = (ulong)InvocationResult.RequestError;
            return false;
        }

        if (Ready(least))
        {
            // A parked writer's bytes move into the ring before this reply leaves (Settle), never onto it (Ring R2).
            answer->String = Ring.Take(wanted, out answer->StringLength);
            answer->W0 = answer->StringLength;
            return false;
        }

        if (s_closed || s_reader != 0)
        {
            answer->Order = (ulong)(s_closed ? PipeProtocol.EndOfFile : PipeProtocol.Busy);
            return false;
        }

        s_reader = incoming;
        s_readerWants = wanted;
        s_readerLeast = least;
        return true;
    }

    /// <summary>A reader that wants at least <paramref name="least"/> bytes is answered now (P2): that many are buffered,
    /// or some are and no more can come before a reply (the writer's end closed, or a writer parked on a full ring).</summary>
    private static bool Ready(ulong least) => Ring.Count >= least || (Ring.Count > 0 && (s_closed || s_writer != 0));

    /// <summary>Answers every parked caller that can be answered now (P3), with a SEND through its resume key.</summary>
    private static void Settle()
    {
        bool progress = true;
        while (progress)
        {
            progress = false;
            if (s_writer != 0)
            {
                ulong moved = s_pendingInRing ? Ring.Commit(s_pending) : Ring.Append(PendingBuffer() + s_pendingAt, s_pending);
                s_pendingAt += moved;
                s_pending -= moved;
                progress = moved > 0;
                if (s_pending == 0)
                {
                    InvocationMessage done = default;
                    done.W0 = s_pendingLength;
                    done.W1 = 1;
                    Answer(ref s_writer, &done);
                }
            }

            if (s_reader != 0 && (Ready(s_readerLeast) || s_closed))
            {
                InvocationMessage data = default;
                if (Ring.Count > 0)
                {
                    data.String = Ring.Take(s_readerWants, out data.StringLength);
                    data.W0 = data.StringLength;
                }
                else
                {
                    data.Order = (ulong)PipeProtocol.EndOfFile;
                }

                data.W1 = 1;
                Answer(ref s_reader, &data);
                progress = true;
            }
        }
    }

    /// <summary>Sends <paramref name="message"/> through the parked resume key in <paramref name="register"/>, which is then free.</summary>
    private static void Answer(ref byte register, InvocationMessage* message)
    {
        message->KeyRegister = Keys.Register(register, InvocationType.Send);
        InvocationResponse ignored; // Void only if the caller went away (halted): nobody to tell
        Keys.Invoke(message, &ignored);
        register = 0;
    }

    /// <summary>
    /// Reads one byte of every page of the ring and the buffers, so that each is in the object cache before any
    /// message: the first touch of a zero page may read from the disk (a tag pot), and a Read or Write that waited
    /// for the disk would, under icount, count host time and move the interleaving of its callers (docs/bench.md
    /// "Repeatability"). Later writes to these pages fault without the disk.
    /// </summary>
    private static void TouchBuffers()
    {
        ulong sum = 0;
        for (ulong at = 0; at < Ring.RingBytes; at += 4096)
        {
            sum += Ring.Start[at];
        }

        for (ulong at = 0; at < PipeProtocol.MaxTransfer; at += 4096)
        {
            sum += (ulong)ReceiveBuffer()[at] + PendingBuffer()[at];
        }

        s_touched += sum;
    }

    /// <summary>A resume register that holds no parked caller's key.</summary>
    private static byte FreeRegister()
    {
        for (byte r = FirstResumeRegister; r < FirstResumeRegister + ResumeRegisters; r++)
        {
            if (r != s_writer && r != s_reader)
            {
                return r;
            }
        }

        return 0; // cannot be: at most two are parked
    }

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "pipe_receive")]
    private static extern byte* ReceiveBuffer();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "pipe_pending")]
    private static extern byte* PendingBuffer();
}
