namespace CapOS.ImageGen.Description;

/// <summary>
/// One page of a program's image: its initial content (null = all zero) and its rights, the union over the
/// segments that touch it. Never both writable and executable (ProgramSpec I1).
/// </summary>
internal sealed record ProgramPage(byte[]? Content, bool Writable, bool Executable);
