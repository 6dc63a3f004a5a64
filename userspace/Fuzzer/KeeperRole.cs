using System.Runtime;
using System.Runtime.CompilerServices;
using CapOS.Kernel.Invocation;
using CapOS.Runtime;

namespace CapOS.Fuzzer;

/// <summary>
/// The fuzzers' process keeper (docs/invocation.md "Keepers"; docs/fuzz.md "Faults"): a fault arrives as a call
/// with key 0 = a process key to the faulter and key 3 = its resume key. The keeper restarts the faulter at the
/// program's entry with a fresh stack (the fuzzer's state is in its data pages, so it carries on) through the
/// process key's GetRegisters/SetRegisters, then replies order 0, which clears the fault. A message that is no
/// fault (a fuzzer calls the keeper's start key in its register 14, whose key info is not
/// <see cref="FuzzProtocol.FaultKeyInfo"/>) gets the same answer and nothing else: the keeper never invokes a
/// key a fuzzer sent (it could be a start key, and the keeper would wait on it).
/// The answer is always order 0: after a send, the "resume" register holds the sender's fourth key, whatever
/// it is, and a keeper that answered UnknownOrder (1) through a process key would halt that process (the
/// confused deputy the first fuzz run found; docs/fuzz.md "Findings").
/// </summary>
public static unsafe class KeeperRole
{
    private const byte ProcessRegister = FuzzProtocol.FirstScratch;

    public static void Run()
    {
        byte* registers = stackalloc byte[ProcessOrder.RegisterBytes];
        InvocationMessage answer = default;
        answer.ReceiveKeys = ProcessRegister;
        InvocationResponse request;
        byte through = 0;
        for (;;)
        {
            Gate.ReturnAndWait(through, &answer, FuzzProtocol.ResumeRegister, &request);
            through = FuzzProtocol.ResumeRegister;
            answer = default;
            answer.ReceiveKeys = ProcessRegister;
            if (request.KeyInfo == FuzzProtocol.FaultKeyInfo)
            {
                Restart(registers);
            }
        }
    }

    private static bool Restart(byte* registers)
    {
        InvocationMessage message = default;
        message.KeyRegister = ProcessRegister;
        message.Order = ProcessOrder.GetRegisters;
        message.ReceiveBuffer = registers;
        message.ReceiveCapacity = ProcessOrder.RegisterBytes;
        InvocationResponse reply;
        if (Keys.Invoke(&message, &reply) != InvocationResult.Ok)
        {
            return false;
        }

        ulong* file = (ulong*)registers;
        file[RspIndex] = FuzzProtocol.StackTop;
        file[RipIndex] = Entry();
        file[RflagsIndex] = 0x202;
        message = default;
        message.KeyRegister = ProcessRegister;
        message.Order = ProcessOrder.SetRegisters;
        message.String = registers;
        message.StringLength = ProcessOrder.RegisterBytes;
        return Keys.Invoke(&message, &reply) == InvocationResult.Ok;
    }

    /// <summary>Quadword indexes in the register file (the register annex layout: docs/process.md).</summary>
    private const int RspIndex = 7;
    private const int RipIndex = 16;
    private const int RflagsIndex = 17;

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "fuzz_entry")]
    private static extern ulong Entry();
}
