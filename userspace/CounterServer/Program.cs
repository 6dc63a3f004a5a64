using System.Runtime.InteropServices;
using CapOS.Kernel.Invocation;
using CapOS.Runtime;

namespace CapOS.CounterServer;

/// <summary>
/// The persistent demo's server (system/capos.sys; docs/invocation.md): the count lives in this program's data
/// page, so it is in the store and survives every crash. It waits for calls on its start key and answers each
/// through the caller's resume key (EROS: a server's loop is "return and wait").
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
        byte through = 0; // the first wait answers nobody
        for (;;)
        {
            Gate.ReturnAndWait(through, &answer, ResumeRegister, &request);
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

            through = ResumeRegister;
        }
    }
}
