using CapOS.Kernel.Invocation;

namespace CapOS.Runtime;

/// <summary>
/// Start-up of a process a constructor built (docs/services.md "Constructor"; EROS: the new process, not the
/// constructor, answers the requester). The constructor leaves the requester's resume key in key register
/// <see cref="CreatorResumeRegister"/> and a start key to the instance in <see cref="OwnStartRegister"/>; the
/// program calls one of these first: the requester's Request returns with reply key 0 = that start key. The
/// numbers are ConstructorProtocol's (InstanceBankRegister, OwnStartRegister, CreatorResumeRegister).
/// </summary>
public static unsafe class Instance
{
    /// <summary>The bank the instance was built from (ConstructorProtocol.InstanceBankRegister): kept for ever.</summary>
    public const byte BankRegister = 29;

    /// <summary>A start key to the instance itself, at start-up (ConstructorProtocol.OwnStartRegister).</summary>
    public const byte OwnStartRegister = 30;

    /// <summary>The requester's resume key, at start-up (ConstructorProtocol.CreatorResumeRegister).</summary>
    public const byte CreatorResumeRegister = 31;

    /// <summary>
    /// For a program that is not a server: SENDs Ok with reply key 0 = its start key through the requester's
    /// resume key (and goes on running), then voids both registers.
    /// </summary>
    public static InvocationResult AnswerCreator()
    {
        InvocationMessage message = default;
        message.KeyRegister = Keys.Register(CreatorResumeRegister, InvocationType.Send);
        message.Order = (ulong)InvocationResult.Ok;
        message.SendKeys = OwnStartRegister;
        InvocationResponse reply;
        InvocationResult result = Keys.Invoke(&message, &reply);
        Void(OwnStartRegister);
        Void(CreatorResumeRegister);
        return result;
    }

    /// <summary>
    /// For a server: its first <see cref="Gate.ReturnAndWait"/> answers the requester (Ok, reply key 0 = its start key)
    /// and waits for the first message, whose resume key arrives in <paramref name="resumeRegister"/>; then the start
    /// key is voided (the requester's resume key was used up by the return).
    /// </summary>
    public static void AnswerCreatorAndWait(InvocationMessage* answer, byte resumeRegister, InvocationResponse* next)
    {
        answer->Order = (ulong)InvocationResult.Ok;
        answer->SendKeys = OwnStartRegister;
        Gate.ReturnAndWait(CreatorResumeRegister, answer, resumeRegister, next);
        Void(OwnStartRegister);
        if (resumeRegister != CreatorResumeRegister)
        {
            Void(CreatorResumeRegister);
        }
    }

    /// <summary>Key register <paramref name="register"/> becomes void (the answer of invoking the void register 0 writes it).</summary>
    public static void Void(byte register) => KeyCall.Call(0, KeyOrder.AllegedKeyType, 0, 0, 0, 0, register, out _);
}
