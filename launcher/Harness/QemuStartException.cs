using System;

namespace CapOS.Harness;

/// <summary>QEMU could not be started or did not open its sockets; the message holds its output.</summary>
public sealed class QemuStartException : Exception
{
    /// <summary>Creates the exception.</summary>
    public QemuStartException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public QemuStartException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
