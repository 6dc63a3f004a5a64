using System.Runtime.InteropServices;
using CapOS.Kernel.Invocation;
using CapOS.Runtime;

namespace CapOS.CounterServer;

/// <summary>
/// The persistent demo's server (system/capos.sys; docs/invocation.md): the count lives in this program's data
/// page, so it is in the store and survives every crash. It waits for calls on its start key and answers each
/// through the caller's resume key (EROS: a server's loop is "return and wait"). Built by init through a constructor
/// (docs/services.md "First boot"), its first return answers that request with its start key
/// (<see cref="Instance.AnswerCreatorAndWait"/>); as an imagegen process (register 31 void) that return finds nobody.
/// </summary>
internal static unsafe class Program
{
    /// <summary>Where each caller's resume key arrives.</summary>
    private const byte ResumeRegister = 31;

    /// <summary>The count: in the program's data page, hence in the store.</summary>
    private static ulong s_count;

    [UnmanagedCallersOnly(EntryPoint = "UserMain")]
    private static void Main()
    {
        InvocationMessage answer = default;
        InvocationResponse request;
        Instance.AnswerCreatorAndWait(&answer, ResumeRegister, &request);
        for (;;)
        {
            answer = default;
            switch ((uint)request.Result)
            {
                case CounterProtocol.Increment:
                    s_count++;
                    answer.W0 = s_count;
                    break;
                case CounterProtocol.Read:
                    answer.W0 = s_count;
                    break;
                case KeyOrder.AllegedKeyType:
                    answer.W0 = CounterProtocol.AllegedType;
                    break;
                default:
                    answer.Order = (ulong)InvocationResult.UnknownOrder;
                    break;
            }

            Gate.ReturnAndWait(ResumeRegister, &answer, ResumeRegister, &request);
        }
    }
}
