using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;

namespace CapOS.ImageGen.Description;

/// <summary>A node: 32 slots (null = void), AllocCount and CallCount.</summary>
internal sealed class NodeSpec : ObjectSpec
{
    public NodeSpec(string name, SourcePosition position, int index)
        : base(name, position, index)
    {
    }

    public override ObType Type => ObType.Node;

    /// <summary>The node's CallCount (resume keys to it carry this by default).</summary>
    public uint CallCount { get; set; }

    /// <summary>Slot contents; null is a void key.</summary>
    public KeySpec?[] Slots { get; } = new KeySpec?[DiskNode.SlotCount];
}
