using System;

namespace CapOS.Kernel.Host;

/// <summary>
/// Thrown by the simulated half of <see cref="Machine.Halt"/>: on the host a
/// halted kernel unwinds to the test instead of stopping the process.
/// </summary>
public sealed class MachineHaltedException(int exitCode, string console)
    : Exception($"kernel halted with exit code {exitCode}; console tail: {Tail(console)}")
{
    public int ExitCode { get; } = exitCode;

    private static string Tail(string text) => text.Length <= 400 ? text : text[^400..];
}
