using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.Process;

namespace CapOS.Kernel.Invocation.Keys;

/// <summary>
/// The process key: full authority over a process root (EROS process key; docs/invocation.md "Process key").
/// Orders: <see cref="ProcessOrder"/>.
/// </summary>
public static unsafe class ProcessKey
{
    public static DispatchOutcome Invoke(Invocation* invocation)
    {
        switch (invocation->Arguments.Order)
        {
            case ProcessOrder.Halt when invocation->Target == invocation->Invoker->RootFrame:
                Log.Write("proc: ");
                Log.WriteDecimal(invocation->Invoker->Pid);
                Log.WriteLine(" exited");
                ProcessTable.Park(invocation->Invoker, FaultCode.Halted, 0);
                return DispatchOutcome.InvokerEnded;
            default:
                return invocation->Answer(InvocationResult.UnknownOrder);
        }
    }
}
