using CapOS.Kernel.NodeTree;

namespace CapOS.ImageGen.Description;

/// <summary>A named object of a description: a node or a page, in declaration order.</summary>
internal abstract class ObjectSpec
{
    protected ObjectSpec(string name, SourcePosition position, int index)
    {
        Name = name;
        Position = position;
        Index = index;
    }

    /// <summary>The object's name, unique in the description.</summary>
    public string Name { get; }

    /// <summary>Where it was declared (for a tree object: the tree line).</summary>
    public SourcePosition Position { get; }

    /// <summary>Position in declaration order over nodes and pages (log-objects counts in this order).</summary>
    public int Index { get; }

    /// <summary>The object's AllocCount.</summary>
    public uint AllocCount { get; set; }

    /// <summary>Assigned by the layout: dense in declaration order within its kind.</summary>
    public Oid Oid { get; set; }

    /// <summary>Node or Page.</summary>
    public abstract ObType Type { get; }
}
