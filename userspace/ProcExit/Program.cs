using System.Runtime.InteropServices;
using CapOS.Kernel.Invocation;
using CapOS.Runtime;
using CapOS.SpaceBank;

namespace CapOS.ProcExit;

/// <summary>
/// The instance ProcBench creates over and over (system/procbench.sys): it answers the requester with its start key
/// and waits (<see cref="Instance.AnswerCreatorAndWait"/>: the return hands the processor to the requester, so the
/// requester's clock stops at the answer); on its first message it prints a line through the console key a
/// constituent gave it and destroys itself: DestroyWithObjects on the bank in its register 29 rescinds its root, key registers, annex and address
/// space while it waits for the bank's answer, so it never runs again (GatesTests.AClientWhoseObjectsTheServerRescinds...).
/// </summary>
internal static unsafe class Program
{
    [UnmanagedCallersOnly(EntryPoint = "UserMain")]
    private static void Main()
    {
        InvocationMessage answer = default;
        InvocationResponse request;
        Instance.AnswerCreatorAndWait(&answer, Instance.CreatorResumeRegister, &request);
        Console.WriteLine("procbench: instance ran");
        new BankKeyRef(Instance.BankRegister).DestroyWithObjects();
        Console.WriteLine("procbench: FAIL the instance outlived its bank");
    }
}
