using System.Runtime;

namespace CapOS.Runtime;

/// <summary>
/// The runtime helpers that differ from the kernel's: user programs may allocate
/// from a small bump heap in .bss (never freed: there is no GC), and a fail-fast
/// prints its message on the console and ends the program.
/// </summary>
internal static unsafe class UserRuntimeHelpers
{
    private const int HeapSize = 64 * 1024;

    private static Heap s_heap;
    private static int s_heapUsed;

    [RuntimeExport("CapOSFailFast")]
    private static void FailFast(string? message)
    {
        Console.WriteLine("fail-fast:");
        if (message != null)
        {
            Console.WriteLine(message);
        }

        Keys.Exit();
    }

    [RuntimeExport("RhpNewFast")]
    private static void* RhpNewFast(MethodTable* type)
    {
        void** result = (void**)Allocate(type->BaseSize);
        *result = type;
        return result;
    }

    [RuntimeExport("RhpNewArrayFast")]
    private static void* RhpNewArrayFast(MethodTable* type, int count) => NewArray(type, count);

    [RuntimeExport("RhpNewPtrArrayFast")]
    private static void* RhpNewPtrArrayFast(MethodTable* type, int count) => NewArray(type, count);

    [RuntimeExport("RhpNewArray")]
    private static void* RhpNewArray(MethodTable* type, int count) => NewArray(type, count);

    private static void* NewArray(MethodTable* type, int count)
    {
        if (count < 0)
        {
            System.Environment.FailFast("negative array length");
        }

        void** result = (void**)Allocate(type->BaseSize + ((ulong)(uint)count * type->ComponentSize));
        *result = type;
        *(int*)(result + 1) = count;
        return result;
    }

    private static byte* Allocate(ulong size)
    {
        ulong rounded = (size + 7) & ~7UL;
        if (rounded > (ulong)(HeapSize - s_heapUsed))
        {
            System.Environment.FailFast("user heap exhausted");
        }

        fixed (Heap* heap = &s_heap)
        {
            byte* result = heap->Bytes + s_heapUsed;
            s_heapUsed += (int)rounded;
            return result;
        }
    }

    private struct Heap
    {
        public fixed byte Bytes[HeapSize];
    }
}
