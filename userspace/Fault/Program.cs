using System.Runtime.InteropServices;
using CapOS.Runtime;

namespace CapOS.Fault;

/// <summary>Writes to an address nothing maps. The kernel stops this process and runs the next.</summary>
internal static unsafe class Program
{
    public const ulong UnmappedAddress = 0xDEAD0000;

    [UnmanagedCallersOnly(EntryPoint = "UserMain")]
    private static void Main()
    {
        Console.WriteLine("about to fault");
        *(ulong*)UnmappedAddress = 1;
        Console.WriteLine("still running: the fault was not reported");
    }
}
