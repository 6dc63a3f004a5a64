using CapOS.Kernel.Invocation;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.Process;

namespace CapOS.Kernel.Tests.Invocation;

/// <summary>Dispatches one CALL of a loaded process's key register, as the trap path would, for the kernel key tests.</summary>
internal static unsafe class KeyInvoker
{
    /// <summary>The key register reply keys go to in <see cref="Call"/>.</summary>
    public const byte ReplyRegister = 20;

    /// <summary>A second receive register (a CALL with no reply key writes void into its receive register).</summary>
    public const byte OtherReplyRegister = 21;

    /// <summary>
    /// CALLs key register <paramref name="register"/> of <paramref name="invoker"/> with <paramref name="order"/>,
    /// W0, W1 and the sent key registers <paramref name="send"/>; reply key 0 goes to <paramref name="receive"/>.
    /// The arguments are also put in the invoker's saved registers, as the trap path does.
    /// </summary>
    public static DispatchOutcome Call(ProcessEntry* invoker, byte register, uint order, out InvocationReply reply,
        ulong w0 = 0, ulong w1 = 0, byte receive = ReplyRegister, params byte[] send)
    {
        InvocationArguments arguments = default;
        arguments.KeyRegister = register;
        arguments.Order = order;
        arguments.W0 = w0;
        arguments.W1 = w1;
        for (int i = 0; i < send.Length; i++)
        {
            arguments.SendKeys[i] = send[i];
        }

        arguments.ReceiveKeys[0] = receive;
        IpcRig.SaveArguments(invoker, &arguments);
        return Dispatch(invoker, &arguments, out reply);
    }

    /// <summary>Executes again the invocation in <paramref name="process"/>'s saved registers (a woken or restarted process).</summary>
    public static DispatchOutcome Again(ProcessEntry* process, out InvocationReply reply)
    {
        InvocationArguments arguments;
        UserMode.ReadArguments(process, &arguments);
        return Dispatch(process, &arguments, out reply);
    }

    /// <summary>The invocation in <paramref name="process"/>'s saved registers.</summary>
    public static InvocationArguments Pending(ProcessEntry* process)
    {
        InvocationArguments arguments;
        UserMode.ReadArguments(process, &arguments);
        return arguments;
    }

    /// <summary>Key register <paramref name="register"/> of <paramref name="process"/> in disk form (void when empty).</summary>
    public static Key Register(ProcessEntry* process, int register)
    {
        Key disk = default;
        Key* key = process->KeyRegister(register);
        if (key != null)
        {
            global::CapOS.Kernel.ObjectCache.Cache.DiskForm(key, &disk);
        }

        return disk;
    }

    /// <summary>True when key register <paramref name="register"/> designates something (prepares it).</summary>
    public static bool Designates(ProcessEntry* process, int register) =>
        CapOS.Kernel.Invocation.Invocation.Prepared(process->KeyRegister(register)) != null;

    private static DispatchOutcome Dispatch(ProcessEntry* invoker, InvocationArguments* arguments, out InvocationReply reply)
    {
        InvocationReply result;
        DispatchOutcome outcome = Dispatcher.Dispatch(invoker, arguments, &result);
        reply = result;
        return outcome;
    }
}
