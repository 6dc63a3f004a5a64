using System.Runtime.InteropServices;
using CapOS.Kernel.Invocation;
using CapOS.Runtime;

namespace CapOS.Fault;

/// <summary>
/// Faults in a way nothing serves: the kernel parks this process with a console line and runs the next. As an imagegen
/// process (system/hello.sys) it writes to an address its space does not map (a page fault: "invalid address
/// 0xdead0000"). Built by a constructor (system/capos.sys) its space is a virtual copy, where the keeper zero-fills every
/// user address, so it writes to a non-canonical address instead: a general-protection exception, not a page fault, and
/// the instance has no process keeper ("exception 0xd").
/// </summary>
internal static unsafe class Program
{
    public const ulong UnmappedAddress = 0xDEAD0000;

    /// <summary>Between the user half and the kernel half: any access raises #GP.</summary>
    public const ulong NonCanonicalAddress = 0x0000800000000000;

    [UnmanagedCallersOnly(EntryPoint = "UserMain")]
    private static void Main()
    {
        bool instance = Instance.AnswerCreator() == InvocationResult.Ok;
        Console.WriteLine("about to fault");
        *(ulong*)(instance ? NonCanonicalAddress : UnmappedAddress) = 1;
        Console.WriteLine("still running: the fault was not reported");
    }
}
