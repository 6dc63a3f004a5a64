using System;

namespace CapOS.ImageGen.Description;

/// <summary>An error in a system description; its message reads <c>file:line:col: message</c>.</summary>
internal sealed class DescriptionException : Exception
{
    public DescriptionException(SourcePosition position, string detail)
        : base($"{position}: {detail}")
    {
        Position = position;
        Detail = detail;
    }

    /// <summary>Where the error is.</summary>
    public SourcePosition Position { get; }

    /// <summary>The message without the position.</summary>
    public string Detail { get; }
}
