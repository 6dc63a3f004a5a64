using System.Runtime;
using System.Runtime.CompilerServices;
using CapOS.Kernel.Invocation;
using CapOS.Runtime;
using CapOS.SpaceBank;

namespace CapOS.Fuzzer;

/// <summary>
/// The fuzzer's loop (docs/fuzz.md "The fuzzers"): seeded from the seed key, it draws and makes invocations,
/// counts their result codes, now and then faults on purpose (its keeper restarts it at its entry; the state
/// below survives in its data pages), prints a progress line every twentieth of the run (at most every 250 invocations) and a done line at the end,
/// then halts itself (the warden takes a halted fuzzer for a finished one).
/// </summary>
public static unsafe class FuzzerRole
{
    /// <summary>Quadwords of <c>fuzz_state</c>: what a restart must not lose.</summary>
    private const int Started = 0;
    private const int Rng = 1;
    private const int Done = 2;
    private const int Target = 3;
    private const int Faults = 4;
    private const int Other = 5;
    private const int Reported = 6;
    private const int BankMade = 7;
    private const int Results = 8; // FuzzProtocol.CountedResults quadwords

    /// <summary>At most this many invocations between progress lines (the launcher's hang limit counts on them).</summary>
    private const ulong ProgressCap = 250;

    /// <summary>A deliberate fault every this many invocations, on average.</summary>
    private const uint FaultOdds = 64;

    public static void Run(uint index)
    {
        ulong* state = FuzzState();
        byte* send = FuzzBuffers();
        byte* receive = send + 8192;
        if (state[Started] == 0)
        {
            InvocationResponse seed;
            InvocationMessage ask = default;
            ask.KeyRegister = FuzzProtocol.SeedKey;
            ask.Order = 1;
            Keys.Invoke(&ask, &seed);
            state[Rng] = seed.W0;
            state[Target] = seed.W1;
            for (int i = 0; i < 8192; i++)
            {
                send[i] = (byte)SplitMix64.Next(ref state[Rng]);
            }

            state[Started] = 1;
        }

        if (state[BankMade] == 0)
        {
            // The description gives the prime bank; a child of it replaces it, so the prime bank is not at the fuzzers'
            // mercy. The warden answers a call queued for two of its polls with Void (the bank may still be busy at
            // boot, serving the other fuzzers): try again.
            InvocationResult made = InvocationResult.Void;
            for (int tries = 0; tries < 1000 && made == InvocationResult.Void; tries++)
            {
                made = new BankKeyRef(FuzzProtocol.Bank).CreateChild(FuzzProtocol.Bank);
            }

            if (made != InvocationResult.Ok)
            {
                Console.WriteLine("fuzz: no child bank: register 16 is not the prime bank");
            }

            state[BankMade] = 1;
        }

        ulong every = state[Target] / 20 == 0 ? 1 : state[Target] / 20 > ProgressCap ? ProgressCap : state[Target] / 20;
        while (state[Done] < state[Target])
        {
            if (SplitMix64.Below(ref state[Rng], FaultOdds) == 0)
            {
                uint kind = SplitMix64.Below(ref state[Rng], 5);
                state[Faults]++;
                Fault(kind);
            }

            InvocationMessage message;
            InvocationGenerator.Draw(ref state[Rng], &message, send, receive);
            InvocationResponse reply;
            Keys.Invoke(&message, &reply);
            ulong result = (ulong)reply.Result;
            if (result < FuzzProtocol.CountedResults)
            {
                state[Results + (int)result]++;
            }
            else
            {
                state[Other]++;
            }

            state[Done]++;
            if (state[Done] % every == 0 && state[Done] < state[Target])
            {
                Report(index, state, "progress");
            }
        }

        if (state[Reported] == 0)
        {
            state[Reported] = 1;
            Report(index, state, "done");
        }

        Halt();
    }

    /// <summary>Halts itself for good: another fuzzer's MakeRunning may wake it, and it halts again.</summary>
    public static void Halt()
    {
        for (;;)
        {
            InvocationMessage message = default;
            message.KeyRegister = FuzzProtocol.Self;
            message.Order = ProcessOrder.Halt;
            InvocationResponse reply;
            Keys.Invoke(&message, &reply);
        }
    }

    /// <summary><c>fuzz: progress|done fuzzer=I invocations=N faults=F results=0:a,1:b,...,other:c</c> (docs/fuzz.md "Serial contract").</summary>
    private static void Report(uint index, ulong* state, string what)
    {
        byte* line = stackalloc byte[400];
        ulong at = Text.Append(line, 0, "fuzz: ");
        at = Text.Append(line, at, what);
        at = Text.AppendDecimal(line, Text.Append(line, at, " fuzzer="), index);
        at = Text.AppendDecimal(line, Text.Append(line, at, " invocations="), state[Done]);
        at = Text.AppendDecimal(line, Text.Append(line, at, " faults="), state[Faults]);
        at = Text.Append(line, at, " results=");
        for (int i = 0; i < FuzzProtocol.CountedResults; i++)
        {
            if (state[Results + i] != 0)
            {
                at = Text.AppendDecimal(line, at, (ulong)i);
                at = Text.AppendDecimal(line, Text.Append(line, at, ":"), state[Results + i]);
                line[at++] = (byte)',';
            }
        }

        at = Text.AppendDecimal(line, Text.Append(line, at, "other:"), state[Other]);
        InvocationMessage message = default;
        message.KeyRegister = FuzzProtocol.Console;
        message.Order = ConsoleOrder.WriteLine;
        message.String = line;
        message.StringLength = at;
        InvocationResponse reply;
        Keys.Invoke(&message, &reply);
    }

    private static void Fault(uint kind)
    {
        switch (kind)
        {
            case 0:
                FaultRead(0x1000_0000);
                break;
            case 1:
                FaultWriteCode();
                break;
            case 2:
                FaultUd2();
                break;
            case 3:
                FaultDivide();
                break;
            default:
                FaultJump(0x2000_0000);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "fuzz_state")]
    private static extern ulong* FuzzState();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "fuzz_buffers")]
    private static extern byte* FuzzBuffers();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "fuzz_fault_read")]
    private static extern void FaultRead(ulong address);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "fuzz_fault_write_code")]
    private static extern void FaultWriteCode();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "fuzz_fault_ud2")]
    private static extern void FaultUd2();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "fuzz_fault_divide")]
    private static extern void FaultDivide();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "fuzz_fault_jump")]
    private static extern void FaultJump(ulong address);
}
