using System.Runtime.InteropServices;
using CapOS.Kernel.Invocation;
using CapOS.Runtime;

namespace CapOS.VirtualCopyTest;

/// <summary>
/// The virtual copy keeper's test program (system/vcsk.sys, system/heapbench.sys; docs/services.md "Virtual copy
/// keeper"; VirtualCopyTests). One program, five roles chosen by the number key in register <see cref="RoleKey"/>:
/// the driver (<see cref="Driver"/>) and its two children (<see cref="Child"/>: the checks, the grower), and the
/// heap-growth benchmark's parent and child (<see cref="HeapBench"/>). A child's first act is to CALL its parent,
/// which then makes the child's space a virtual copy of itself (a process cannot swap its own space while it runs).
/// </summary>
internal static unsafe class Program
{
    public const byte RoleKey = 5;
    public const ulong DriverRole = 1;
    public const ulong ChildRole = 2;
    public const ulong GrowerRole = 3;
    public const ulong BenchParentRole = 4;
    public const ulong BenchRole = 5;

    [UnmanagedCallersOnly(EntryPoint = "UserMain")]
    private static void Main()
    {
        InvocationResponse reply;
        InvocationMessage message = default;
        message.KeyRegister = RoleKey;
        message.Order = 1; // the number key's Value
        Keys.Invoke(&message, &reply);
        switch (reply.W0)
        {
            case DriverRole:
                Driver.Run();
                break;
            case ChildRole:
                Child.RunChecks();
                break;
            case GrowerRole:
                Child.RunGrower();
                break;
            case BenchParentRole:
                HeapBench.RunParent();
                break;
            case BenchRole:
                HeapBench.Run();
                break;
            default:
                Console.WriteLine("vcsk-test: no role");
                break;
        }

        Keys.Exit();
    }

    /// <summary>Prints <paramref name="prefix"/> followed by name=value pairs (up to four; a null name ends the list).</summary>
    public static void Print(string prefix, string n0, ulong v0, string? n1 = null, ulong v1 = 0, string? n2 = null, ulong v2 = 0, string? n3 = null, ulong v3 = 0)
    {
        byte* line = stackalloc byte[Console.MaxLine];
        ulong length = Text.Append(line, 0, prefix);
        length = Pair(line, length, n0, v0);
        length = n1 is null ? length : Pair(line, length, n1, v1);
        length = n2 is null ? length : Pair(line, length, n2, v2);
        length = n3 is null ? length : Pair(line, length, n3, v3);
        Console.WriteLine(line, length);
    }

    private static ulong Pair(byte* line, ulong length, string name, ulong value)
    {
        length = Text.Append(line, length, " ");
        length = Text.Append(line, length, name);
        length = Text.Append(line, length, "=");
        return Text.AppendDecimal(line, length, value);
    }
}
