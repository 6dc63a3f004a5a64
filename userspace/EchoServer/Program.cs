using System.Runtime.InteropServices;
using CapOS.Kernel.Invocation;
using CapOS.Runtime;

namespace CapOS.EchoServer;

/// <summary>
/// The IPC benchmark's server (system/ipcbench.sys; docs/bench.md "IPC"): waits on its start key and answers
/// every call at once through the caller's resume key (EROS: a server's loop is "return and wait"), with the
/// string it received, or, for <see cref="EchoProtocol.Stamp"/>, the TSC at the moment it ran with the message.
/// Nothing else happens between two invocations, so a round trip to it is the cost of the invocation path.
/// </summary>
internal static unsafe class Program
{
    /// <summary>Where each caller's resume key arrives.</summary>
    private const byte ResumeRegister = 31;

    [UnmanagedCallersOnly(EntryPoint = "UserMain")]
    private static void Main()
    {
        byte* buffer = stackalloc byte[EchoProtocol.MaxString];
        InvocationMessage answer = default;
        InvocationResponse request;
        byte through = 0; // the first wait answers nobody
        for (;;)
        {
            answer.ReceiveBuffer = buffer;
            answer.ReceiveCapacity = EchoProtocol.MaxString;
            Gate.ReturnAndWait(through, &answer, ResumeRegister, &request);
            uint order = (uint)request.Result;
            ulong stamp = order == EchoProtocol.Stamp ? Tsc.Read() : 0;
            answer = default;
            switch (order)
            {
                case EchoProtocol.Echo:
                    answer.String = buffer;
                    answer.StringLength = request.StringLength;
                    break;
                case EchoProtocol.Stamp:
                    answer.W0 = stamp;
                    break;
                case KeyOrder.AllegedKeyType:
                    answer.W0 = EchoProtocol.AllegedType;
                    break;
                default:
                    answer.Order = (ulong)InvocationResult.UnknownOrder;
                    break;
            }

            through = ResumeRegister;
        }
    }
}
