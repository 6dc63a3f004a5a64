using Xunit.Sdk;

namespace CapOS.TestSupport;

/// <summary>A snapshot did not match its verified file (or there was none).</summary>
public sealed class SnapshotMismatchException : XunitException
{
    /// <summary>Creates the exception.</summary>
    public SnapshotMismatchException(string message)
        : base(message)
    {
    }
}
