using System.Runtime.InteropServices;
using CapOS.Kernel.Invocation;
using CapOS.Runtime;

namespace CapOS.CtorInstance;

/// <summary>
/// An instance the constructor test builds (system/ctor.sys; ConstructorTests). Its constituents: key register 1 a
/// number key, 2 the console. It answers the requester first (<see cref="Instance.AnswerCreatorAndWait"/>), then
/// serves: <see cref="Increment"/> (W0 + 1), <see cref="StartUp"/> (W0 = 1 when its start-up registers were voided,
/// W1 = its register 1's number), <see cref="Count"/> (a counter in its data page: copy-on-write through the keeper,
/// and persistence across a kill).
/// </summary>
internal static unsafe class Program
{
    public const uint Increment = 1;
    public const uint StartUp = 2;
    public const uint Count = 3;
    private const byte Number = 1;
    private const byte ResumeRegister = 31;

    private static ulong s_count;

    [UnmanagedCallersOnly(EntryPoint = "UserMain")]
    private static void Main()
    {
        InvocationMessage answer = default;
        InvocationResponse request;
        Instance.AnswerCreatorAndWait(&answer, ResumeRegister, &request);
        bool voided = KeyCall.Call(Instance.OwnStartRegister, KeyOrder.AllegedKeyType, 0, 0, 0, 0, 0, out _) == InvocationResult.Void;
        for (;;)
        {
            answer = default;
            InvocationResult result = InvocationResult.Ok;
            switch ((uint)request.Result)
            {
                case Increment:
                    answer.W0 = request.W0 + 1;
                    break;
                case StartUp:
                    KeyCall.Call(Number, 1, 0, 0, 0, 0, 0, out InvocationResponse value); // NumberKey.Value
                    answer.W0 = voided ? 1UL : 0UL;
                    answer.W1 = value.W0;
                    break;
                case Count:
                    answer.W0 = ++s_count;
                    break;
                default:
                    result = InvocationResult.UnknownOrder;
                    break;
            }

            answer.Order = (ulong)result;
            Gate.ReturnAndWait(ResumeRegister, &answer, ResumeRegister, &request);
        }
    }
}
