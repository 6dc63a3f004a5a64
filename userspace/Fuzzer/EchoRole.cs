using CapOS.Runtime;

namespace CapOS.Fuzzer;

/// <summary>
/// The echo server the fuzzers call (docs/fuzz.md "The system"): it answers every message through the caller's
/// resume key with Ok, the same words, the same string (as much as its 4 KiB buffer took) and the three keys it
/// received, then waits for the next. It never calls out, so a caller on its wait queue is always served.
/// </summary>
public static unsafe class EchoRole
{
    public static void Run()
    {
        byte* buffer = stackalloc byte[4096];
        InvocationMessage answer = default;
        InvocationResponse request;
        byte through = 0;
        for (;;)
        {
            answer.ReceiveKeys = FuzzProtocol.FirstScratch | ((ulong)(FuzzProtocol.FirstScratch + 1) << 8) | ((ulong)(FuzzProtocol.FirstScratch + 2) << 16);
            answer.ReceiveBuffer = buffer;
            answer.ReceiveCapacity = 4096;
            Gate.ReturnAndWait(through, &answer, FuzzProtocol.ResumeRegister, &request);
            through = FuzzProtocol.ResumeRegister;
            answer = default;
            answer.W0 = request.W0;
            answer.W1 = request.W1;
            answer.W2 = request.W2;
            answer.W3 = request.W3;
            answer.String = buffer;
            answer.StringLength = request.StringLength;
            answer.SendKeys = FuzzProtocol.FirstScratch | ((ulong)(FuzzProtocol.FirstScratch + 1) << 8) | ((ulong)(FuzzProtocol.FirstScratch + 2) << 16);
        }
    }
}
