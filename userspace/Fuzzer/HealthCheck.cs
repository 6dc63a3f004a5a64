using CapOS.Constructor;
using CapOS.Kernel.Invocation;
using CapOS.Pipe;
using CapOS.Runtime;
using CapOS.SpaceBank;
using CapOS.VirtualCopy;

namespace CapOS.Fuzzer;

/// <summary>
/// After every fuzzer halted, the warden checks that the services the fuzzers were aimed at still answer correctly
/// (docs/fuzz.md "Services"): H1 the prime bank still allocates a page, it reads zero, and reclaiming it makes its key
/// read void; H2 the bank server's audit (A1-A5) passes over every bank the fuzzers made, limited and destroyed;
/// H3 the pipe has no caller parked (every fuzzer has halted: a parked one would be a caller that went away) and still
/// carries bytes: what is buffered is drained, then 200 bytes written come back whole and in order; H4 the
/// metaconstructor still builds a constructor from the prime bank and the keeper's maker still answers. It prints
/// <c>fuzz: health ok banks=B pages=P nodes=N drained=D</c> or <c>fuzz: health FAIL &lt;what&gt; (&lt;a&gt;, &lt;b&gt;)</c>.
/// </summary>
public static unsafe class HealthCheck
{
    private const ulong Probe = 200;

    private static Buffer s_buffer;

    public static void Run()
    {
        var bank = new BankKeyRef(FuzzProtocol.WardenBank);
        InvocationResult result = bank.AllocPages(1, FuzzProtocol.WardenScratch);
        if (result != InvocationResult.Ok)
        {
            Fail("the prime bank does not allocate: result", (ulong)result, 0);
            return;
        }

        ulong word = 1;
        new PageKeyRef(FuzzProtocol.WardenScratch).ReadBytes(0, (byte*)&word, 8, out _);
        result = bank.ReclaimPages(1, FuzzProtocol.WardenScratch);
        InvocationResponse kt;
        InvocationResult stale = Gate.Call(FuzzProtocol.WardenScratch, KeyOrder.AllegedKeyType, 0, &kt);
        if (word != 0 || result != InvocationResult.Ok || stale != InvocationResult.Void)
        {
            Fail("a fresh page is not zero, or its reclaim failed, or its key still answers: word, result", word, (ulong)result);
            return;
        }

        bank.Audit(out ulong code, out ulong where, out ulong banks, out ulong objects);
        if (code != BankProtocol.AuditOk)
        {
            Fail("bank audit rule", code, where);
            return;
        }

        if (!Pipe(out ulong drained) || !Constructors())
        {
            return;
        }

        byte* line = stackalloc byte[Console.MaxLine];
        ulong at = Text.AppendDecimal(line, Text.Append(line, 0, "fuzz: health ok banks="), banks);
        at = Text.AppendDecimal(line, Text.Append(line, at, " pages="), objects >> 32);
        at = Text.AppendDecimal(line, Text.Append(line, at, " nodes="), objects & 0xFFFF_FFFF);
        Console.WriteLine(line, Text.AppendDecimal(line, Text.Append(line, at, " drained="), drained));
    }

    /// <summary>H4: the metaconstructor makes a constructor from the prime bank (its builder answers KT as a
    /// constructor) and the keeper's maker answers KT as the keeper.</summary>
    private static bool Constructors()
    {
        InvocationResponse reply;
        InvocationResult result = new ConstructorKeyRef(FuzzProtocol.WardenMetaconstructor).NewConstructor(FuzzProtocol.WardenBank, FuzzProtocol.WardenScratch);
        InvocationResult kt = Gate.Call(FuzzProtocol.WardenScratch, KeyOrder.AllegedKeyType, 0, &reply);
        if (result != InvocationResult.Ok || kt != InvocationResult.Ok || reply.W0 != ConstructorProtocol.AllegedType)
        {
            return Fail("the metaconstructor does not build: result, type", (ulong)result, reply.W0);
        }

        kt = Gate.Call(FuzzProtocol.WardenKeeperMaker, KeyOrder.AllegedKeyType, 0, &reply);
        if (kt != InvocationResult.Ok || reply.W0 != VirtualCopyProtocol.AllegedType)
        {
            return Fail("the keeper's maker does not answer: result, type", (ulong)kt, reply.W0);
        }

        return true;
    }

    /// <summary>H3.</summary>
    private static bool Pipe(out ulong drained)
    {
        drained = 0;
        InvocationResponse reply;
        InvocationResult result = Invoke(FuzzProtocol.WardenPipeReader, PipeProtocol.Status, 0, null, 0, &reply);
        if (result != InvocationResult.Ok || (reply.W1 & (PipeProtocol.WriterWaitingFlag | PipeProtocol.ReaderWaitingFlag | PipeProtocol.WriterClosedFlag)) != 0)
        {
            return Fail("the pipe's status: result, flags", (ulong)result, reply.W1);
        }

        fixed (Buffer* buffer = &s_buffer)
        {
            byte* bytes = buffer->Bytes;
            for (ulong left = reply.W0; left > 0; left -= reply.W0, drained += reply.W0)
            {
                result = Invoke(FuzzProtocol.WardenPipeReader, PipeProtocol.Read, left < 4096 ? left : 4096, null, 0, &reply);
                if (result != InvocationResult.Ok || reply.W0 == 0 || reply.W0 > left)
                {
                    return Fail("draining the pipe: result, bytes", (ulong)result, reply.W0);
                }
            }

            for (ulong i = 0; i < Probe; i++)
            {
                bytes[4096 + i] = (byte)(i * 7 + 3);
            }

            result = Invoke(FuzzProtocol.WardenPipeWriter, PipeProtocol.Write, 0, bytes + 4096, Probe, &reply);
            if (result != InvocationResult.Ok || reply.W0 != Probe)
            {
                return Fail("the pipe does not take a write: result, bytes", (ulong)result, reply.W0);
            }

            for (ulong got = 0; got < Probe; got += reply.W0)
            {
                result = Invoke(FuzzProtocol.WardenPipeReader, PipeProtocol.Read, Probe - got, null, 0, &reply);
                if (result != InvocationResult.Ok || reply.W0 == 0)
                {
                    return Fail("the pipe does not give back what was written: result, at", (ulong)result, got);
                }

                for (ulong i = 0; i < reply.W0; i++)
                {
                    if (bytes[i] != bytes[4096 + got + i])
                    {
                        return Fail("the pipe's bytes differ at", got + i, bytes[i]);
                    }
                }
            }
        }

        return true;
    }

    private static InvocationResult Invoke(byte register, uint order, ulong w0, byte* text, ulong length, InvocationResponse* reply)
    {
        fixed (Buffer* buffer = &s_buffer)
        {
            InvocationMessage message = default;
            message.KeyRegister = register;
            message.Order = order;
            message.W0 = w0;
            message.String = text;
            message.StringLength = length;
            message.ReceiveBuffer = buffer->Bytes;
            message.ReceiveCapacity = 4096;
            return Keys.Invoke(&message, reply);
        }
    }

    private static bool Fail(string what, ulong a, ulong b)
    {
        byte* line = stackalloc byte[Console.MaxLine];
        ulong at = Text.Append(line, Text.Append(line, 0, "fuzz: health FAIL "), what);
        at = Text.AppendDecimal(line, Text.Append(line, at, " ("), a);
        at = Text.Append(line, Text.AppendDecimal(line, Text.Append(line, at, ", "), b), ")");
        Console.WriteLine(line, at);
        return false;
    }

    private struct Buffer
    {
        public fixed byte Bytes[8192];
    }
}
