using CapOS.Kernel.NodeTree;

namespace CapOS.ImageGen.Description;

/// <summary>
/// A key written in a slot: its type and rights, and either a target name (object keys) or an inline
/// payload (number-like keys). The disk form is made by KeyEncoder once OIDs are assigned.
/// </summary>
internal sealed class KeySpec
{
    public KeySpec(KeyType type, SourcePosition position)
    {
        Type = type;
        Position = position;
    }

    public KeyType Type { get; }

    /// <summary>Where the key was written.</summary>
    public SourcePosition Position { get; }

    /// <summary>Object keys: the target's name.</summary>
    public string? Target { get; set; }

    /// <summary>Where the target's name was written.</summary>
    public SourcePosition TargetPosition { get; set; }

    public KeyRights Rights { get; set; }

    /// <summary>Segment height, start key info, sched priority, device class, or a kernel key's variant.</summary>
    public ushort KeyData { get; set; }

    /// <summary>Object keys: an explicit AllocCount (resume: CallCount) instead of the target's (a stale key).</summary>
    public uint? CountOverride { get; set; }

    /// <summary>Number-like keys: the 96-bit payload, word 0 least significant.</summary>
    public uint Word0 { get; set; }

    public uint Word1 { get; set; }

    public uint Word2 { get; set; }

    /// <summary>
    /// Range keys written <c>range free-pages</c> (Page) or <c>range free-nodes</c> (Node): the payload is the part
    /// of that object range no declared object uses, known only once OIDs are assigned (KeyEncoder). None otherwise.
    /// </summary>
    public ObType FreeOf { get; set; }

    /// <summary>Keys written <c>template-entry NAME</c>: NAME, whose entry and stack top fill the payload once parsed (TemplateSpec.Pack); null otherwise.</summary>
    public string? TemplateEntry { get; set; }

    /// <summary>Keys written <c>template NAME</c>: NAME (the target is its top node, TemplateSpec.Key); null otherwise.</summary>
    public string? Template { get; set; }

    /// <summary>Keys written <c>zero-space NAME height H</c>: NAME (the target is one of its objects, <see cref="Description.ZeroSpace"/>); null otherwise.</summary>
    public string? ZeroSpace { get; set; }
}
