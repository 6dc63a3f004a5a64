namespace CapOS.ImageGen.Description;

/// <summary>One word, number, '=' or quoted string of a description line.</summary>
/// <param name="Text">The word, or the decoded contents of a quoted string.</param>
/// <param name="Quoted">True for a "..." string.</param>
/// <param name="Position">Where it starts.</param>
internal readonly record struct Token(string Text, bool Quoted, SourcePosition Position);
