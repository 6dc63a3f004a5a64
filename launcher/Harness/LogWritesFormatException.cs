using System;

namespace CapOS.Harness;

/// <summary>A dm-log-writes log whose super block is not one (bad magic, version or sector size).</summary>
public sealed class LogWritesFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LogWritesFormatException(string message)
        : base(message)
    {
    }
}
