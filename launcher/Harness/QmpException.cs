using System;

namespace CapOS.Harness;

/// <summary>A QMP command failed (an error reply), timed out, or the connection closed.</summary>
public sealed class QmpException : Exception
{
    /// <summary>Creates the exception.</summary>
    public QmpException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public QmpException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
