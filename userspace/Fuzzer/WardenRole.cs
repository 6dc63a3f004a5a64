using CapOS.Kernel.Invocation;
using CapOS.Runtime;

namespace CapOS.Fuzzer;

/// <summary>
/// The warden (docs/fuzz.md "Liveness"): a fuzzer that returns, calls a start key or is made available waits for
/// a message that may never come (EROS has no timeouts). The warden holds a process key to every fuzzer
/// (registers 16..), polls their state, and makes Running any that it found waiting or available twice in a
/// row (the process key's MakeRunning: the fuzzer's invocation returns with its own arguments). A halted
/// fuzzer has finished (fuzzers never halt one another: InvocationGenerator.Tame); when all have, the warden
/// prints <c>fuzz: warden done kicks=N</c> and halts.
/// </summary>
public static unsafe class WardenRole
{
    /// <summary>Spins between polls (a few milliseconds of TCG time).</summary>
    private const ulong PauseIterations = 200_000;

    private static ulong s_spin;

    /// <summary>RunState.Running (kernel/Process/RunState.cs).</summary>
    private const ulong Running = 2;

    /// <summary>StallReason.Receiver (kernel/Process/StallReason.cs): queued to send to a process that is not Available.</summary>
    private const ulong ReceiverStall = 4;

    /// <summary>
    /// Answers the invocation a queued fuzzer waits to make, as if its receiver had been void: its program counter
    /// moves past the syscall (2 bytes) with result Void in rax; the kick that follows (MakeRunning) takes it off the queue.
    /// </summary>
    private static void Unstick(byte register)
    {
        byte* file = stackalloc byte[ProcessOrder.RegisterBytes];
        var process = new ProcessKeyRef(register);
        if (process.GetRegisters(file) != InvocationResult.Ok)
        {
            return;
        }

        *(ulong*)(file + 0) = (ulong)InvocationResult.Void; // rax
        *(ulong*)(file + 128) += 2;                          // rip: past the syscall
        process.SetRegisters(file);
    }

    public static void Run(uint fuzzers)
    {
        if (fuzzers > FuzzProtocol.MaxFuzzers)
        {
            fuzzers = FuzzProtocol.MaxFuzzers;
        }

        uint* strikes = stackalloc uint[FuzzProtocol.MaxFuzzers];
        for (uint i = 0; i < fuzzers; i++)
        {
            strikes[i] = 0;
        }

        ulong kicks = 0;
        for (;;)
        {
            Pause();
            uint halted = 0;
            for (uint i = 0; i < fuzzers; i++)
            {
                byte register = (byte)(FuzzProtocol.WardenFirstFuzzer + i);
                InvocationResponse state;
                if (Invoke(register, ProcessOrder.GetState, &state) != InvocationResult.Ok)
                {
                    continue;
                }

                if (state.W1 == 5) // FaultCode.Halted
                {
                    halted++;
                    continue;
                }

                // Queued on a process that does not become Available (the two fuzzers can call each other's start
                // keys, made through their process keys, and wait on each other for ever: a deadlock of the programs,
                // not of the kernel): stuck too. Kicking it answers its call for it (Unstick).
                bool queued = (state.W3 & 0xFF) == ReceiverStall;
                bool stuck = state.W0 != Running || state.W1 != 0 || queued; // not Running, faulted (its keeper is slow), or queued
                if (queued && strikes[i] + 1 >= 2)
                {
                    Report(i, &state); // a diagnosis line; the judge reads only progress and done
                    Unstick(register);
                }

                strikes[i] = stuck ? strikes[i] + 1 : 0;
                if (strikes[i] >= 2)
                {
                    strikes[i] = 0;
                    kicks++;
                    Invoke(register, ProcessOrder.MakeRunning, &state);
                }
            }

            if (halted == fuzzers)
            {
                HealthCheck.Run();
                byte* line = stackalloc byte[64];
                ulong at = Text.AppendDecimal(line, Text.Append(line, 0, "fuzz: warden done kicks="), kicks);
                Console.WriteLine(line, at);
                FuzzerRole.Halt();
            }
        }
    }

    /// <summary><c>fuzz: warden sees fuzzer=I state=S fault=F stall=R</c> (R: StallReason, then the first waiting sender).</summary>
    private static void Report(uint fuzzer, InvocationResponse* state)
    {
        byte* line = stackalloc byte[96];
        ulong at = Text.AppendDecimal(line, Text.Append(line, 0, "fuzz: warden sees fuzzer="), fuzzer);
        at = Text.AppendDecimal(line, Text.Append(line, at, " state="), state->W0);
        at = Text.AppendDecimal(line, Text.Append(line, at, " fault="), state->W1);
        at = Text.AppendHex(line, Text.Append(line, at, " stall=0x"), state->W3);
        Console.WriteLine(line, at);
    }

    private static InvocationResult Invoke(byte register, uint order, InvocationResponse* reply)
    {
        InvocationMessage message = default;
        message.KeyRegister = register;
        message.Order = order;
        return Keys.Invoke(&message, reply);
    }

    private static void Pause()
    {
        for (ulong i = 0; i < PauseIterations; i++)
        {
            s_spin += i;
        }
    }
}
