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
                byte register = (byte)(FuzzProtocol.FirstScratch + i);
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

                bool stuck = state.W0 != Running || state.W1 != 0; // not Running, or faulted (its keeper is slow)
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
                byte* line = stackalloc byte[64];
                ulong at = Text.AppendDecimal(line, Text.Append(line, 0, "fuzz: warden done kicks="), kicks);
                Console.WriteLine(line, at);
                FuzzerRole.Halt();
            }
        }
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
