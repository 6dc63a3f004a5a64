using System.Runtime.InteropServices;
using CapOS.Runtime;

namespace CapOS.Fuzzer;

/// <summary>
/// The ring-3 invocation fuzzer (issue 11 item 6; docs/fuzz.md): one program, four roles, chosen by the role key
/// (key register 5). The keeper restarts a faulted fuzzer at its entry, so <c>UserMain</c> runs again and the
/// role carries on from the state it keeps in its data pages.
/// </summary>
internal static unsafe class Program
{
    [UnmanagedCallersOnly(EntryPoint = "UserMain")]
    private static void Main()
    {
        InvocationResponse reply;
        InvocationMessage message = default;
        message.KeyRegister = FuzzProtocol.RoleKey;
        message.Order = 1; // the number key's Value
        Keys.Invoke(&message, &reply);
        uint role = (uint)reply.W0;
        uint index = (uint)(reply.W0 >> 32);
        uint fuzzers = (uint)reply.W1;
        switch (role)
        {
            case FuzzProtocol.Fuzzer:
                FuzzerRole.Run(index);
                break;
            case FuzzProtocol.Keeper:
                KeeperRole.Run();
                break;
            case FuzzProtocol.Warden:
                WardenRole.Run(fuzzers);
                break;
            default:
                EchoRole.Run();
                break;
        }

        Keys.Exit();
    }
}
