namespace CapOS.ImageGen.Description;

/// <summary>Where something was written in a description: file, line and column (both 1-based).</summary>
internal readonly record struct SourcePosition(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}
