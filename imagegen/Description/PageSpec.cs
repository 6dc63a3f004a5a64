using CapOS.Kernel.NodeTree;

namespace CapOS.ImageGen.Description;

/// <summary>A page: 4096 bytes of content (null = all zero).</summary>
internal sealed class PageSpec : ObjectSpec
{
    public PageSpec(string name, SourcePosition position, int index)
        : base(name, position, index)
    {
    }

    public override ObType Type => ObType.Page;

    /// <summary>4096 bytes, or null for a zero page.</summary>
    public byte[]? Content { get; set; }
}
