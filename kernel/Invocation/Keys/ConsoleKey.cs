using CapOS.Kernel.Diagnostics;

namespace CapOS.Kernel.Invocation.Keys;

/// <summary>The console key: lines on the kernel console (docs/invocation.md "Kernel keys"). Orders: <see cref="ConsoleOrder"/>.</summary>
public static unsafe class ConsoleKey
{
    public static DispatchOutcome Invoke(Invocation* invocation)
    {
        if (invocation->Arguments.Order != ConsoleOrder.WriteLine)
        {
            return invocation->Answer(InvocationResult.UnknownOrder);
        }

        byte* text = stackalloc byte[(int)UserMemory.MaxStringLength];
        ulong length = invocation->Arguments.StringLength;
        if (!UserMemory.CopyIn(invocation->Arguments.StringAddress, text, length))
        {
            return StringFailed(invocation);
        }

        // Commit point: nothing below fails.
        Log.Write("user[");
        Log.WriteDecimal(invocation->Invoker->Pid);
        Log.Write("]: ");
        for (ulong i = 0; i < length; i++)
        {
            Machine.ConsoleWrite(text[i] < 0x80 ? text[i] : (byte)'?');
        }

        Log.WriteLine();
        return invocation->Answer(InvocationResult.Ok);
    }

    /// <summary>A copy through the invoker's memory failed: stall when the page exists but must be waited for, else BadString.</summary>
    public static DispatchOutcome StringFailed(Invocation* invocation)
    {
        if (UserMemory.LastStall != Process.StallReason.None)
        {
            invocation->StallReason = UserMemory.LastStall;
            return DispatchOutcome.Stalled;
        }

        return invocation->Answer(InvocationResult.BadString);
    }
}
