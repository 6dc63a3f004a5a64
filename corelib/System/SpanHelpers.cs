using System.Runtime.InteropServices;

namespace System;

/// <summary>
/// The block-copy and block-clear helpers ILC calls for large struct copies and
/// initialisations (CORINFO_HELP_MEMCPY / MEMSET / MEMZERO). Internal, as in .NET.
/// </summary>
internal static unsafe class SpanHelpers
{
    internal static void Memmove(ref byte destination, ref byte source, nuint length)
    {
        fixed (byte* to = &destination)
        fixed (byte* from = &source)
        {
            NativeMemory.Copy(from, to, length);
        }
    }

    internal static void Fill(ref byte destination, nuint length, byte value)
    {
        fixed (byte* to = &destination)
        {
            NativeMemory.Fill(to, length, value);
        }
    }

    internal static void ClearWithoutReferences(ref byte destination, nuint length)
    {
        fixed (byte* to = &destination)
        {
            NativeMemory.Clear(to, length);
        }
    }
}
