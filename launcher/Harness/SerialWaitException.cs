using System;

namespace CapOS.Harness;

/// <summary>A wait on the serial console failed: timeout, or the console closed first. The message carries
/// the whole serial log and whatever context the owner supplied (QEMU's output and exit status).</summary>
public sealed class SerialWaitException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SerialWaitException(string message)
        : base(message)
    {
    }
}
