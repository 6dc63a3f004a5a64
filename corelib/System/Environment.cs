using System.Runtime;
using System.Runtime.CompilerServices;

namespace System;

public static class Environment
{
    /// <summary>
    /// Stops at once with <paramref name="message"/>. The stop itself differs between
    /// the kernel (panic: print and halt QEMU) and a user program (print and exit),
    /// so corelib imports it: each image exports <c>CapOSFailFast</c>.
    /// </summary>
    public static void FailFast(string? message) => CapOSFailFast(message);

    [MethodImpl(MethodImplOptions.InternalCall)]
    [RuntimeImport("*", "CapOSFailFast")]
    private static extern void CapOSFailFast(string? message);
}
